import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { typeBoxValidatorCompiler } from './validation.ts';

type Result = { value?: unknown; error?: Array<{ instancePath: string; message?: string }> };

function validator(schema: Parameters<typeof typeBoxValidatorCompiler>[0]['schema'], httpPart: string) {
  const validate = typeBoxValidatorCompiler({ schema, httpPart, method: 'GET', url: '/x' });
  return (value: unknown) => validate(value) as Result;
}

describe('typeBoxValidatorCompiler', () => {
  it('converts path and query text to integers, numbers and booleans only when it is exactly one', () => {
    const schema = Type.Object({
      n: Type.Optional(Type.Integer()),
      x: Type.Optional(Type.Number()),
      b: Type.Optional(Type.Boolean()),
      s: Type.Optional(Type.String()),
    });
    const validate = validator(schema, 'querystring');
    expect(validate({ n: '-12', x: '2.5e3', b: 'false', s: '7' }).value).toEqual({ n: -12, x: 2500, b: false, s: '7' });
    for (const n of ['1.5', '1e2', '0x10', ' 3', '']) {
      expect(validate({ n }).error).toEqual([
        { instancePath: '/n', message: 'expected integer', keyword: 'Integer', schemaPath: '', params: {} },
      ]);
    }
    expect(validate({ b: 'yes' }).error?.[0]?.message).toBe('expected boolean');
  });

  it('checks a body as sent: no coercion, no stripping', () => {
    const schema = Type.Object({ v: Type.Union([Type.String(), Type.Number()]), nested: Type.Object({}) });
    const body = { v: 5, nested: { extra: true }, more: 1 };
    expect(validator(schema, 'body')(body).value).toBe(body);
    expect(validator(schema, 'body')({ v: 5, nested: { extra: true } }).value).toEqual({
      v: 5,
      nested: { extra: true },
    });
  });

  it('names missing and unknown properties and broken patterns', () => {
    const schema = Type.Object(
      { id: Type.String({ pattern: '^[a-z]+$' }), name: Type.String() },
      { additionalProperties: false },
    );
    const result = validator(schema, 'body')({ id: 'A1', stray: 1 });
    expect(result.error?.map((e) => [e.instancePath, e.message])).toEqual([
      ['/name', 'missing required property "name"'],
      ['/stray', 'unknown property "stray"'],
      ['/id', 'must match ^[a-z]+$'],
    ]);
  });

  it('names the choices of a union of literals, and keeps the plain message for other unions', () => {
    const schema = Type.Object({
      range: Type.Optional(Type.Union([Type.Literal('1h'), Type.Literal('1d')])),
      v: Type.Optional(Type.Union([Type.String(), Type.Number()])),
    });
    const validate = validator(schema, 'querystring');
    expect(validate({ range: '1d' }).value).toEqual({ range: '1d' });
    expect(validate({ range: '1w' }).error?.map((e) => [e.instancePath, e.message])).toEqual([
      ['/range', 'must be one of "1h", "1d"'],
    ]);
    expect(validator(schema, 'body')({ v: true }).error?.[0]?.message).toBe('expected union value');
  });

  it('lets an optional body be left out, and only an optional one', () => {
    const optional = validator(Type.Optional(Type.Object({ a: Type.Optional(Type.String()) })), 'body');
    expect(optional(null)).toEqual({ value: undefined });
    expect(optional({ a: 'x' })).toEqual({ value: { a: 'x' } });
    const required = validator(Type.Object({ a: Type.Optional(Type.String()) }), 'body');
    expect(required(null).error?.[0]?.message).toBe('expected object');
  });
});
