import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import { COLUMN_OF_KEYWORD, columnParam, columnReferenceOf, columnsParam } from './column-params.ts';
import { Type } from './index.ts';
import { parameterJsonSchema } from './parameter-schema.ts';
import { typeBoxFromJsonSchema } from './typebox-from-json-schema.ts';

const params = Type.Object({
  label: columnParam('table', { minLength: 1 }),
  features: columnsParam('table', { default: [] }),
  stratify_by: Type.Optional(columnParam('rows')),
  seed: Type.Integer({ default: 1 }),
});

describe('column parameters', () => {
  it('mark the input whose columns they name, in the published JSON Schema too', () => {
    const published = parameterJsonSchema(params) as { properties: Record<string, unknown> };
    expect(columnReferenceOf(published.properties.label)).toEqual({ input: 'table', many: false });
    expect(columnReferenceOf(published.properties.features)).toEqual({ input: 'table', many: true });
    expect(columnReferenceOf(published.properties.stratify_by)).toEqual({ input: 'rows', many: false });
    expect(columnReferenceOf(published.properties.seed)).toBeUndefined();
    expect(columnReferenceOf(undefined)).toBeUndefined();
  });

  it('validate as the plain strings they are, before and after a trip through the catalog', () => {
    const published = parameterJsonSchema(params);
    for (const schema of [params, typeBoxFromJsonSchema(published)]) {
      const check = TypeCompiler.Compile(schema);
      expect(check.Check({ label: 'species', features: ['a', 'b'], seed: 1 })).toBe(true);
      expect(check.Check({ label: '', features: [], seed: 1 })).toBe(false);
      expect(check.Check({ label: 'x', features: [''], seed: 1 })).toBe(false);
    }
    expect((published as { properties: { label: Record<string, unknown> } }).properties.label[COLUMN_OF_KEYWORD]).toBe(
      'table',
    );
  });
});
