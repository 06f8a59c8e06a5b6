import { describe, expect, it } from 'vitest';
import { describeJsonError, parseJsonText } from './json-text.ts';

function failure(text: string): string {
  const result = parseJsonText(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} not to parse`);
  return result.message;
}

describe('parseJsonText', () => {
  it('returns the parsed value', () => {
    expect(parseJsonText('{"a": [1, true, null]}')).toEqual({ ok: true, value: { a: [1, true, null] } });
  });

  it('locates a missing comma by line and column', () => {
    expect(failure('{\n  "a": 1\n  "b": 2\n}')).toBe("line 3, column 3: Expected ',' or '}' after property value");
  });

  it('locates a trailing comma', () => {
    expect(failure('{\n  "nodes": [\n    1,\n  ]\n}')).toMatch(/^line 4, column 3: /);
  });

  it('locates an unexpected token, which V8 reports without a position', () => {
    expect(failure('{\n  "a": True\n}')).toBe("line 2, column 8: Unexpected token 'T'");
    expect(failure('{"a": x}')).toBe("line 1, column 7: Unexpected token 'x'");
  });

  it('does not repeat the whole text in the message', () => {
    const text = `{"description": "${'x'.repeat(500)}", "a": ]}`;
    const message = failure(text);
    expect(message).toBe("line 1, column 526: Unexpected token ']'");
    expect(message.length).toBeLessThan(100);
  });

  it('locates a truncated document at its end', () => {
    expect(failure('{\n  "a": [1, 2')).toBe("line 2, column 13: Expected ',' or ']' after array element");
    expect(failure('{\n  "a": tr')).toBe('line 2, column 10: Unexpected end of JSON input');
  });

  it('counts columns from 1 and ignores the \\r of CRLF line ends', () => {
    expect(failure('x')).toMatch(/^line 1, column 1: /);
    expect(failure('{\r\n  "a": 1,\r\n  "b": ]\r\n}')).toBe("line 3, column 8: Unexpected token ']'");
  });

  it('reports text after the value', () => {
    expect(failure('{"a": 1}}')).toBe('line 1, column 9: Unexpected non-whitespace character after JSON');
  });

  it('says so when the text is empty', () => {
    expect(failure('')).toBe('the text is empty');
    expect(failure(' \n\t')).toBe('the text is empty');
  });
});

describe('describeJsonError', () => {
  it('passes through a message it cannot locate', () => {
    expect(describeJsonError('{}', new Error('something else'))).toBe('something else');
    expect(describeJsonError('{}', 'not an error object')).toBe('not an error object');
  });
});
