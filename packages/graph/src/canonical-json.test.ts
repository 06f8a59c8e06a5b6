import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and leaves out whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('gives equal strings for objects that differ only in key order', () => {
    const one = { name: 'split', params: { seed: 1, fraction: 0.2 }, tags: ['a', 'b'] };
    const two = { tags: ['a', 'b'], params: { fraction: 0.2, seed: 1 }, name: 'split' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('keeps array order, since it is meaningful', () => {
    expect(canonicalJson([2, 1, 3])).toBe('[2,1,3]');
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('drops undefined object members, as JSON.stringify does', () => {
    expect(canonicalJson({ a: 1, b: undefined, c: { d: undefined } })).toBe('{"a":1,"c":{}}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it('writes undefined array items and a bare undefined as null', () => {
    expect(canonicalJson([1, undefined, 2])).toBe('[1,null,2]');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('writes scalars as JSON does', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson(0.1)).toBe('0.1');
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(1e21)).toBe('1e+21');
    expect(canonicalJson('say "hi"\n')).toBe('"say \\"hi\\"\\n"');
    expect(canonicalJson({ 'a"b': 1 })).toBe('{"a\\"b":1}');
  });

  it('round-trips through JSON.parse to an equal value', () => {
    const value = { z: [1, 'two', { three: 3 }], a: { nested: { deeper: [true, false, null] } }, m: -1.5 };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'throws on %s, which JSON cannot hold',
    (n) => {
      expect(() => canonicalJson(n)).toThrow(TypeError);
      expect(() => canonicalJson(n)).toThrow('not representable in JSON');
      // Nested too: a NaN parameter must not silently hash as `null`.
      expect(() => canonicalJson({ params: { lr: [n] } })).toThrow(TypeError);
    },
  );
});

describe('canonicalJson fast and general paths agree', () => {
  it('gives sorted text for sorted, unsorted, integer-keyed and nested values alike', () => {
    expect(canonicalJson({ a: 1, b: { c: [1, 'x', null], d: true } })).toBe('{"a":1,"b":{"c":[1,"x",null],"d":true}}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(canonicalJson({ 10: 'x', 2: 'y', 1: 'z' })).toBe('{"1":"z","10":"x","2":"y"}');
    expect(canonicalJson({ a: { z: 1, y: 2 } })).toBe('{"a":{"y":2,"z":1}}');
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson(new Date(0))).toBe('{}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow('not representable');
  });
});
