import { describe, expect, it } from 'vitest';
import { fieldShape } from './schema-fields.ts';
import {
  claimedChildren,
  errorsFor,
  freshKey,
  sameValue,
  toDomId,
  toPointer,
  toTestPath,
  withProperty,
  withRenamedKey,
} from './schema-paths.ts';

describe('paths and errors', () => {
  it('writes pointers, test paths and DOM ids', () => {
    expect(toPointer(['rules', 0, 'metric'])).toBe('/rules/0/metric');
    expect(toPointer(['a/b', 'c~d'])).toBe('/a~1b/c~0d');
    expect(toTestPath(['rules', 0, 'metric'])).toBe('rules.0.metric');
    expect(toDomId('node a', ['rules', 0])).toBe('node_a-rules.0');
  });

  const errors = {
    '/': 'params are wrong',
    '/fraction': 'fraction is invalid',
    '/rules': 'needs a rule',
    '/rules/0/metric': 'metric is empty',
    '/rules/7': 'no such rule',
    '/unknown': 'no parameter unknown',
  };

  it('gives a field its own messages and those no child claims', () => {
    expect(errorsFor(errors, ['fraction'], 'all')).toEqual(['fraction is invalid']);
    expect(errorsFor(errors, ['rules'], new Set(['0']))).toEqual(['needs a rule', 'no such rule']);
    expect(errorsFor(errors, ['rules'], 'all')).toEqual(['needs a rule', 'metric is empty', 'no such rule']);
    expect(errorsFor(errors, ['rules', 0, 'metric'], 'all')).toEqual(['metric is empty']);
    expect(errorsFor(errors, [], new Set(['fraction', 'rules']))).toEqual(['params are wrong', 'no parameter unknown']);
  });
});

describe('object edits', () => {
  it('sets, removes and renames keys without touching the original', () => {
    const object = { a: 1, b: 2 };
    expect(withProperty(object, 'c', 3)).toEqual({ a: 1, b: 2, c: 3 });
    expect(withProperty(object, 'a', undefined)).toEqual({ b: 2 });
    expect(Object.keys(withRenamedKey(object, 'a', 'z'))).toEqual(['z', 'b']);
    expect(object).toEqual({ a: 1, b: 2 });
    expect(freshKey({ key1: 1 })).toBe('key2');
  });
});

describe('sameValue', () => {
  it('matches identical values and equal copies', () => {
    expect(sameValue(1, 1)).toBe(true);
    expect(sameValue(Number.NaN, Number.NaN)).toBe(true);
    expect(sameValue(undefined, undefined)).toBe(true);
    expect(sameValue({ a: [1] }, { a: [1] })).toBe(true);
    expect(sameValue({ a: [1] }, { a: [2] })).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue('1', 1)).toBe(false);
  });
});

describe('claimedChildren', () => {
  it('names the children that show their own messages', () => {
    const object = fieldShape({ type: 'object', properties: { a: { type: 'string' } } });
    expect(claimedChildren(object, undefined)).toEqual(new Set(['a']));
    expect(claimedChildren(fieldShape({ type: 'array', items: {} }), [1, 2])).toEqual(new Set(['0', '1']));
    expect(claimedChildren(fieldShape({ type: 'object', additionalProperties: {} }), { x: 1 })).toEqual(new Set(['x']));
    expect(claimedChildren(fieldShape({ type: 'number' }), 1)).toBe('all');
  });
});
