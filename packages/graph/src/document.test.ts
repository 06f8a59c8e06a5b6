import { describe, expect, it } from 'vitest';
import { CURRENT_FORMAT_VERSION, documentJsonSchema } from './document.ts';

describe('documentJsonSchema', () => {
  it('is plain JSON with the published id', () => {
    const schema = documentJsonSchema();
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(Object.getOwnPropertySymbols(schema)).toEqual([]);
    expect(schema.$id).toBe('https://loom.dev/schemas/pipeline-2.json');
    expect(schema.$id).toBe(`https://loom.dev/schemas/pipeline-${CURRENT_FORMAT_VERSION}.json`);
    expect(schema.title).toBe(`Loom pipeline document, format version ${CURRENT_FORMAT_VERSION}`);
    expect((schema.properties as Record<string, unknown>).formatVersion).toMatchObject({ const: 2 });
    expect(schema.required).toEqual(['format', 'formatVersion', 'name', 'nodes', 'edges']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('allows only identifiers as pipeline parameter names', () => {
    const parameters = (documentJsonSchema().properties as Record<string, Record<string, unknown>>).parameters;
    expect(parameters?.patternProperties).toHaveProperty(['^[A-Za-z_][A-Za-z0-9_.-]*$']);
    expect(parameters?.additionalProperties).toBe(false);
  });

  it('describes notes: optional, closed objects with a sized, positioned text', () => {
    const properties = documentJsonSchema().properties as Record<string, Record<string, unknown>>;
    const notes = properties.notes as { type: string; items: Record<string, unknown> };
    expect(notes.type).toBe('array');
    expect(notes.items.required).toEqual(['id', 'text', 'position']);
    expect(notes.items.additionalProperties).toBe(false);
    expect(notes.items.properties).toMatchObject({
      id: { pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' },
      text: { type: 'string', maxLength: 10_000 },
      position: { required: ['x', 'y'], additionalProperties: false },
      size: {
        required: ['width', 'height'],
        additionalProperties: false,
        properties: { width: { minimum: 40 }, height: { minimum: 24 } },
      },
      color: { type: 'string' },
    });
  });
});
