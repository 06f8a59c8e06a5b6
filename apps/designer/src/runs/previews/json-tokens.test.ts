import { describe, expect, it } from 'vitest';
import { jsonTokens, summarizeJson } from './json-tokens.ts';

describe('jsonTokens', () => {
  it('tells keys, strings, numbers and literals apart', () => {
    const text = JSON.stringify({ name: 'a "b"', n: -1.5e3, ok: true, none: null, list: [1] }, null, 2);
    const tokens = jsonTokens(text);
    expect(tokens.map((token) => token.text).join('')).toBe(text);
    const kinds = (kind: string) => tokens.filter((token) => token.kind === kind).map((token) => token.text);
    expect(kinds('key')).toEqual(['"name"', '"n"', '"ok"', '"none"', '"list"']);
    expect(kinds('string')).toEqual(['"a \\"b\\""']);
    expect(kinds('number')).toEqual(['-1500', '1']);
    expect(kinds('literal')).toEqual(['true', 'null']);
  });

  it('keeps text that is not JSON', () => {
    expect(
      jsonTokens('oops 1')
        .map((token) => token.text)
        .join(''),
    ).toBe('oops 1');
  });
});

describe('summarizeJson', () => {
  it('summarises collapsed values', () => {
    expect(summarizeJson({ a: 1, b: 2 })).toBe('{…} 2 keys');
    expect(summarizeJson([1])).toBe('[…] 1 item');
    expect(summarizeJson('x')).toBe('"x"');
    expect(summarizeJson(3)).toBe('3');
  });
});
