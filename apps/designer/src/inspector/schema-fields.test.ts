import { describe, expect, it } from 'vitest';
import {
  compatibleParameters,
  defaultText,
  fieldShape,
  initialValue,
  needsValue,
  numberInputAttributes,
  prefersMultiline,
  readNumberText,
  validateValue,
} from './schema-fields.ts';

// Shapes as TypeBox writes them (printed from train.mlp, core.json_to_metrics and core.metrics_gate).
const activation = {
  default: 'relu',
  anyOf: [
    { const: 'relu', type: 'string' },
    { const: 'tanh', type: 'string' },
  ],
};
const hiddenLayers = {
  default: [100],
  maxItems: 2,
  type: 'array',
  items: { minimum: 1, maximum: 4096, type: 'integer' },
};
const fields = { type: 'object', patternProperties: { '^(.*)$': { pattern: '^(/.*)?$', type: 'string' } } };
const rule = {
  type: 'object',
  required: ['metric'],
  properties: { metric: { minLength: 1, type: 'string' }, min: { type: 'number' } },
};
const fraction = { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.2 };

describe('fieldShape', () => {
  it('reads scalars, enums, lists, objects and records', () => {
    expect(fieldShape({ type: 'integer' })).toEqual({ kind: 'number', integer: true });
    expect(fieldShape({ type: 'number' })).toEqual({ kind: 'number', integer: false });
    expect(fieldShape({ type: 'string' })).toEqual({ kind: 'string' });
    expect(fieldShape({ type: 'boolean' })).toEqual({ kind: 'boolean' });
    expect(fieldShape(activation)).toEqual({ kind: 'enum', options: ['relu', 'tanh'] });
    expect(fieldShape({ type: 'number', enum: [1, 2] })).toEqual({ kind: 'enum', options: [1, 2] });
    expect(fieldShape(hiddenLayers)).toEqual({ kind: 'list', item: hiddenLayers.items });
    expect(fieldShape(fields)).toEqual({ kind: 'record', value: fields.patternProperties['^(.*)$'] });
    expect(fieldShape({ type: 'object', additionalProperties: { type: 'number' } })).toEqual({
      kind: 'record',
      value: { type: 'number' },
    });
    const object = fieldShape(rule);
    expect(object.kind === 'object' && object.properties.map(([key]) => key)).toEqual(['metric', 'min']);
    expect(object.kind === 'object' && [...object.required]).toEqual(['metric']);
  });

  it('falls back to json for unions, tuples and unknown types', () => {
    expect(fieldShape({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({ kind: 'json' });
    expect(fieldShape({ type: 'array', items: [{ type: 'string' }] })).toEqual({ kind: 'json' });
    expect(fieldShape({ type: ['string', 'null'] })).toEqual({ kind: 'json' });
    expect(fieldShape({})).toEqual({ kind: 'json' });
    expect(fieldShape({ type: 'object' })).toEqual({ kind: 'json' });
  });
});

describe('validateValue', () => {
  it('checks number bounds, integers and multiples', () => {
    expect(validateValue(fraction, 0.5)).toBeUndefined();
    expect(validateValue(fraction, 0)).toBe('Must be greater than 0');
    expect(validateValue(fraction, 1)).toBe('Must be less than 1');
    expect(validateValue({ type: 'integer', minimum: 1 }, 0)).toBe('Must be at least 1');
    expect(validateValue({ type: 'integer', maximum: 9 }, 10)).toBe('Must be at most 9');
    expect(validateValue({ type: 'integer' }, 1.5)).toBe('Must be a whole number');
    expect(validateValue({ type: 'number', multipleOf: 0.1 }, 0.3)).toBeUndefined();
    expect(validateValue({ type: 'number', multipleOf: 0.5 }, 0.3)).toBe('Must be a multiple of 0.5');
    expect(validateValue({ type: 'number' }, 'x')).toBe('Must be a number');
  });

  it('checks string length, pattern and format', () => {
    expect(validateValue({ type: 'string', minLength: 1 }, '')).toBe('Must not be empty');
    expect(validateValue({ type: 'string', minLength: 3 }, 'ab')).toBe('Must be at least 3 characters');
    expect(validateValue({ type: 'string', maxLength: 1 }, 'ab')).toBe('Must be at most 1 character');
    expect(validateValue({ type: 'string', pattern: '^(/.*)?$' }, 'eval')).toBe('Must match the pattern ^(/.*)?$');
    expect(validateValue({ type: 'string', pattern: '^(/.*)?$' }, '/eval/acc')).toBeUndefined();
    expect(validateValue({ type: 'string', format: 'email' }, 'a@b')).toBe('Must be an email address');
    expect(validateValue({ type: 'string', format: 'uri' }, 'https://example.com/x')).toBeUndefined();
    expect(validateValue({ type: 'string', pattern: '(' }, 'x')).toBeUndefined();
  });

  it('checks enums and list sizes, and leaves references and unset values alone', () => {
    expect(validateValue(activation, 'sigmoid')).toBe('Must be one of relu, tanh');
    expect(validateValue(hiddenLayers, [1, 2, 3])).toBe('Takes at most 2 items');
    expect(validateValue({ type: 'array', minItems: 1, items: {} }, [])).toBe('Needs at least 1 item');
    expect(validateValue(fraction, { $param: 'share' })).toBeUndefined();
    expect(validateValue(fraction, undefined)).toBeUndefined();
  });
});

describe('readNumberText', () => {
  it('reads numbers that fit and explains those that do not', () => {
    expect(readNumberText(fraction, '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(readNumberText(fraction, '1e-3')).toEqual({ ok: true, value: 0.001 });
    expect(readNumberText(fraction, '2')).toEqual({ ok: false, message: 'Must be less than 1' });
    expect(readNumberText({ type: 'integer' }, '2.5')).toEqual({ ok: false, message: 'Must be a whole number' });
    expect(readNumberText(fraction, 'abc')).toEqual({ ok: false, message: 'Must be a number' });
    expect(readNumberText(fraction, '', true)).toEqual({ ok: false, message: 'Must be a number' });
  });

  it('reads empty text as no value, except where a value is needed', () => {
    expect(readNumberText(fraction, ' ')).toEqual({ ok: true, value: undefined });
    expect(readNumberText(fraction, '', false, false)).toEqual({ ok: false, message: 'Enter a number' });
  });
});

describe('numberInputAttributes', () => {
  it('gives bounds and a step', () => {
    expect(numberInputAttributes({ minimum: 1, maximum: 9 }, true)).toEqual({ min: 1, max: 9, step: 1 });
    expect(numberInputAttributes(fraction, false)).toEqual({ min: 0, max: 1, step: 'any' });
    expect(numberInputAttributes({ multipleOf: 0.5 }, false)).toEqual({ step: 0.5 });
  });
});

describe('defaults and required markers', () => {
  it('shows defaults as text and marks only required fields without one', () => {
    expect(defaultText(fraction)).toBe('0.2');
    expect(defaultText(hiddenLayers)).toBe('[100]');
    expect(defaultText(activation)).toBe('relu');
    expect(defaultText({ type: 'string' })).toBeUndefined();
    expect(needsValue(fraction, true)).toBe(false);
    expect(needsValue({ type: 'string' }, true)).toBe(true);
    expect(needsValue({ type: 'string' }, false)).toBe(false);
  });

  it('picks a fresh value that fits for new items', () => {
    expect(initialValue(hiddenLayers.items)).toBe(1);
    expect(initialValue(fraction)).toBe(0.2);
    expect(initialValue({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 })).toBe(0.5);
    expect(initialValue({ type: 'integer', exclusiveMinimum: 0 })).toBe(1);
    expect(initialValue(activation)).toBe('relu');
    expect(initialValue(rule)).toEqual({ metric: '' });
    expect(initialValue({ type: 'boolean' })).toBe(false);
    const list = { type: 'array', items: {}, default: [1] };
    const first = initialValue(list);
    expect(first).toEqual([1]);
    expect(first).not.toBe(list.default);
  });

  it('prefers a multi-line editor for queries and text content', () => {
    expect(prefersMultiline('query', { type: 'string' })).toBe(true);
    expect(prefersMultiline('filter_sql', { type: 'string' })).toBe(true);
    expect(prefersMultiline('body', { type: 'string', contentMediaType: 'text/markdown' })).toBe(true);
    expect(prefersMultiline('label', { type: 'string' })).toBe(false);
  });
});

describe('compatibleParameters', () => {
  const parameters = {
    share: { type: 'number' as const, default: 0.3 },
    epochs: { type: 'integer' as const },
    name: { type: 'string' as const },
    fast: { type: 'boolean' as const },
    act: { type: 'string' as const, enum: ['tanh'] },
    other: { type: 'string' as const, default: 'sigmoid' },
  };

  it('lists parameters whose type fits the field, by name', () => {
    expect(compatibleParameters(fraction, parameters).map(([name]) => name)).toEqual(['epochs', 'share']);
    expect(compatibleParameters({ type: 'integer' }, parameters).map(([name]) => name)).toEqual(['epochs']);
    expect(compatibleParameters({ type: 'boolean' }, parameters).map(([name]) => name)).toEqual(['fast']);
    expect(compatibleParameters(activation, parameters).map(([name]) => name)).toEqual(['act', 'name']);
    expect(compatibleParameters(hiddenLayers, parameters)).toEqual([]);
  });
});
