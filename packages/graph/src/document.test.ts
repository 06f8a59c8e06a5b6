import { describe, expect, it } from 'vitest';
import { documentJsonSchema } from './document.ts';

describe('documentJsonSchema', () => {
  it('is plain JSON with the published id', () => {
    const schema = documentJsonSchema();
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(Object.getOwnPropertySymbols(schema)).toEqual([]);
    expect(schema.$id).toBe('https://loom.dev/schemas/pipeline-1.json');
    expect(schema.required).toEqual(['format', 'formatVersion', 'name', 'nodes', 'edges']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('allows only identifiers as pipeline parameter names', () => {
    const parameters = (documentJsonSchema().properties as Record<string, Record<string, unknown>>).parameters;
    expect(parameters?.patternProperties).toHaveProperty(['^[A-Za-z_][A-Za-z0-9_.-]*$']);
    expect(parameters?.additionalProperties).toBe(false);
  });
});
