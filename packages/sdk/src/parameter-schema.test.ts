import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { parameterJsonSchema } from './parameter-schema.ts';

describe('parameterJsonSchema', () => {
  it('does not require parameters that have defaults, at any depth', () => {
    const schema = Type.Object({
      path: Type.String(),
      lines: Type.Boolean({ default: false }),
      split: Type.Object({ fraction: Type.Number({ default: 0.2 }), seed: Type.Integer() }),
    });
    const published = parameterJsonSchema(schema);
    expect(published.required).toEqual(['path', 'split']);
    const split = (published.properties as Record<string, Record<string, unknown>>).split;
    expect(split?.required).toEqual(['seed']);
  });

  it('drops `required` when every parameter has a default, and leaves the source schema alone', () => {
    const schema = Type.Object({ on_conflict: Type.String({ default: 'number' }) });
    const published = parameterJsonSchema(schema);
    expect(published).not.toHaveProperty('required');
    expect(schema.required).toEqual(['on_conflict']);
    expect(JSON.stringify(published)).not.toContain('Symbol');
  });
});
