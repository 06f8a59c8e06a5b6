import { Kind, OptionalKind, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { typeBoxFromJsonSchema } from './typebox-from-json-schema.ts';

/** The schema as a catalog carries it: plain JSON, TypeBox's symbols gone. */
const asJson = (schema: TSchema): Record<string, unknown> => JSON.parse(JSON.stringify(schema));

/** Each check's verdict and errors (kind, path, message): what the compiler's diagnostics are made of. */
function verdicts(schema: TSchema, values: readonly unknown[]) {
  const checker = TypeCompiler.Compile(schema);
  return values.map((value) => ({
    ok: checker.Check(value),
    errors: [...checker.Errors(value)].map((e) => ({ type: e.type, path: e.path, message: e.message })),
  }));
}

/** Asserts that the rebuilt schema is the original again: same JSON, same kinds, same verdicts. */
function expectRebuilt(original: TSchema, values: readonly unknown[]): TSchema {
  const rebuilt = typeBoxFromJsonSchema(asJson(original));
  expect(asJson(rebuilt)).toEqual(asJson(original));
  expect(rebuilt[Kind]).toBe(original[Kind]);
  expect(verdicts(rebuilt, values)).toEqual(verdicts(original, values));
  return rebuilt;
}

const ODD_VALUES = [undefined, null, true, 0, -1, 2.5, 1e9, '', 'abc', 'x'.repeat(200), [], [1, 'a'], {}, { a: 1 }];

describe('typeBoxFromJsonSchema: the shapes parameter schemas use', () => {
  it('strings with length bounds, pattern and format, and every annotation kept', () => {
    const original = Type.String({
      minLength: 1,
      maxLength: 5,
      pattern: '^[a-z]+$',
      title: 'Name',
      description: 'A name',
      default: 'ab',
      examples: ['abc'],
      'x-widget': 'text',
    });
    expectRebuilt(original, ODD_VALUES);
    expectRebuilt(Type.String({ format: 'uri' }), ['https://example.com', 'nope', 1]);
  });

  it('numbers and integers with bounds, exclusive bounds and multipleOf', () => {
    expectRebuilt(Type.Number({ minimum: 0, maximum: 1, default: 0.2 }), [...ODD_VALUES, 0.5, 1, 1.5]);
    expectRebuilt(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 10, multipleOf: 0.5 }), [0, 0.5, 0.7, 10]);
    expectRebuilt(Type.Integer({ minimum: 1, multipleOf: 2 }), [...ODD_VALUES, 2, 3, 4.0]);
  });

  it('booleans, null and unknown', () => {
    expectRebuilt(Type.Boolean({ default: false }), ODD_VALUES);
    expectRebuilt(Type.Null(), ODD_VALUES);
    expectRebuilt(Type.Unknown({ description: 'Any JSON value' }), ODD_VALUES);
  });

  it('arrays with items and size bounds, and tuples', () => {
    expectRebuilt(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 3, uniqueItems: true }), [
      ...ODD_VALUES,
      ['a'],
      ['a', ''],
      ['a', 'a'],
      ['a', 'b', 'c', 'd'],
    ]);
    expectRebuilt(Type.Array(Type.Integer(), { contains: Type.Literal(3), minContains: 1 }), [[1, 2], [3], []]);
    expectRebuilt(Type.Tuple([Type.String(), Type.Number()]), [['a', 1], ['a'], ['a', 1, 2], [1, 'a']]);
  });

  it('literals and unions of literals, with their options', () => {
    expectRebuilt(Type.Literal('auto'), ['auto', 'AUTO', 1]);
    expectRebuilt(Type.Literal(3), [3, '3']);
    expectRebuilt(Type.Literal(true), [true, false]);
    const choice = Type.Union([Type.Literal('mean'), Type.Literal('median'), Type.Literal(0)], {
      default: 'mean',
      description: 'How to fill gaps',
    });
    expectRebuilt(choice, [...ODD_VALUES, 'mean', 'median', 0]);
    expectRebuilt(Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('auto')]), [1, 0, 'auto', 'x']);
  });

  it('objects: required and optional properties, additionalProperties false or a schema, nesting', () => {
    const original = Type.Object(
      {
        path: Type.String({ minLength: 1 }),
        rows: Type.Optional(Type.Integer({ minimum: 1, default: 100 })),
        stratify: Type.Optional(Type.Object({ column: Type.String(), bins: Type.Integer({ default: 10 }) })),
      },
      { additionalProperties: false, title: 'Source' },
    );
    const rebuilt = expectRebuilt(original, [
      ...ODD_VALUES,
      { path: 'p' },
      { path: '' },
      { path: 'p', rows: 0 },
      { path: 'p', extra: 1 },
      { rows: 'x', extra: 1 },
      { path: 'p', stratify: { column: 5 } },
    ]);
    expect((rebuilt as unknown as { properties: Record<string, TSchema> }).properties.rows?.[OptionalKind]).toBe(
      'Optional',
    );
    expectRebuilt(Type.Object({ a: Type.Number() }, { additionalProperties: Type.String() }), [
      { a: 1, b: 'x' },
      { a: 1, b: 2 },
    ]);
    expectRebuilt(Type.Object({}), ODD_VALUES);
  });

  it('records: string keys, keys with a pattern, and number keys', () => {
    const fields = Type.Record(Type.String({ minLength: 1 }), Type.String({ pattern: '^(/.*)?$' }), {
      default: {},
      description: 'Metric name → JSON Pointer',
    });
    expectRebuilt(fields, [...ODD_VALUES, { a: '/x' }, { a: 'x' }]);
    expectRebuilt(Type.Record(Type.String({ pattern: '^[a-z]+$' }), Type.Number()), [
      { ab: 1 },
      { AB: 1 },
      { ab: 'x' },
    ]);
    expectRebuilt(Type.Record(Type.Number(), Type.Boolean(), { additionalProperties: false }), [
      { 1: true },
      { a: true },
    ]);
  });

  it('applies defaults exactly as the original does, nested ones included', () => {
    const original = Type.Object({
      fraction: Type.Number({ default: 0.2 }),
      stratify: Type.Object(
        { column: Type.String({ default: 'y' }), bins: Type.Integer({ default: 10 }) },
        { default: {} },
      ),
      tags: Type.Array(Type.String(), { default: ['a'] }),
    });
    const rebuilt = typeBoxFromJsonSchema(asJson(original));
    for (const value of [{}, { fraction: 0.5 }, { stratify: { bins: 3 } }]) {
      expect(Value.Default(rebuilt, structuredClone(value))).toEqual(Value.Default(original, structuredClone(value)));
    }
  });
});

describe('typeBoxFromJsonSchema: JSON Schema that TypeBox does not write', () => {
  it('turns `enum` into a union of literals', () => {
    const rebuilt = typeBoxFromJsonSchema({ enum: ['a', 1, null], description: 'one of three' });
    expect(rebuilt[Kind]).toBe('Union');
    expect(rebuilt.description).toBe('one of three');
    const checker = TypeCompiler.Compile(rebuilt);
    expect(['a', 1, null, 'b', 2].map((v) => checker.Check(v))).toEqual([true, true, true, false, false]);
  });

  it('takes `const: null` as null, and boolean schemas as unknown and never', () => {
    expect(typeBoxFromJsonSchema({ const: null })[Kind]).toBe('Null');
    expect(typeBoxFromJsonSchema(true)[Kind]).toBe('Unknown');
    expect(typeBoxFromJsonSchema(false)[Kind]).toBe('Never');
  });

  it.each([
    ['allOf', { allOf: [{ type: 'string' }, { minLength: 2 }], description: 'both' }],
    ['oneOf', { oneOf: [{ type: 'string' }, { type: 'number' }] }],
    ['not', { not: { type: 'string' } }],
    ['$ref', { $ref: '#/definitions/x' }],
    ['a list of types', { type: ['string', 'null'], maxLength: 3 }],
    ['an unknown type', { type: 'date' }],
    ['several key patterns', { type: 'object', patternProperties: { '^a': {}, '^b': {} } }],
    ['a loose tuple', { type: 'array', items: [{ type: 'string' }], minItems: 0 }],
    ['an object const', { const: { a: 1 } }],
    ['an enum of objects', { enum: [{ a: 1 }] }],
    ['no schema at all', 42],
  ])('falls back to unknown, keywords kept, for %s', (_name, schema) => {
    const rebuilt = typeBoxFromJsonSchema(schema);
    expect(rebuilt[Kind]).toBe('Unknown');
    if (typeof schema === 'object') expect(asJson(rebuilt)).toEqual(schema);
    const checker = TypeCompiler.Compile(rebuilt);
    expect(ODD_VALUES.every((value) => checker.Check(value))).toBe(true);
  });

  it('keeps unknown keywords on shapes it knows, where TypeBox ignores them as it would have', () => {
    const rebuilt = typeBoxFromJsonSchema({
      type: 'string',
      'x-order': 2,
      deprecated: true,
      oneOf: [{ minLength: 9 }],
    });
    expect(rebuilt[Kind]).toBe('String');
    expect(rebuilt).toMatchObject({ 'x-order': 2, deprecated: true });
    expect(TypeCompiler.Compile(rebuilt).Check('short')).toBe(true);
  });

  it('never writes into the schema it was given', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string', default: 'x' }, b: { anyOf: [{ const: 1 }, { const: 2 }] } },
      required: ['b'],
    };
    const copy = structuredClone(schema);
    typeBoxFromJsonSchema(schema);
    expect(schema).toEqual(copy);
  });
});
