import type { TObject } from '@sinclair/typebox';

/**
 * A node's parameter schema as plain JSON Schema, as a document sees it: a parameter with a default
 * may be left out, so it is not listed as required (the compiler fills defaults in before checking).
 * This is the schema catalogs publish and the designer draws its forms from.
 */
export function parameterJsonSchema(params: TObject): Record<string, unknown> {
  return relaxDefaulted(JSON.parse(JSON.stringify(params))) as Record<string, unknown>;
}

function relaxDefaulted(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(relaxDefaulted);
  if (schema === null || typeof schema !== 'object') return schema;
  const record = schema as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = relaxDefaulted(record[key]);
  const properties = record.properties as Record<string, { default?: unknown }> | undefined;
  if (properties !== undefined && Array.isArray(record.required)) {
    const required = (record.required as string[]).filter((name) => properties[name]?.default === undefined);
    if (required.length > 0) record.required = required;
    else delete record.required;
  }
  return record;
}
