import { fileURLToPath } from 'node:url';
import { NodeRegistry, parameterJsonSchema } from '@loom/sdk';
import { duckdbLibrariesLoadedBy } from '@loom/tables/testing';
import { describe, expect, it } from 'vitest';
import { dataNodes } from './index.ts';

describe('@loom/nodes-data', () => {
  it('registers every node once, in the data category, each with a fingerprint of its file and described parameters', () => {
    const registry = new NodeRegistry(dataNodes.map((definition) => ({ definition, source: '@loom/nodes-data' })));
    expect(registry.latest().map((n) => n.definition.type)).toEqual(['data.csv', 'data.json', 'data.parquet']);
    for (const node of dataNodes) {
      expect(node.category).toBe('data');
      expect(node.fingerprint).toBeDefined();
      expect(Object.keys(node.outputs)).toEqual(['table']);
      expect(node.outputs.table?.type).toBe('table');
      const schema = parameterJsonSchema(node.params) as { properties?: Record<string, { description?: string }> };
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        expect(property.description, `${node.type} ${name}`).toMatch(/\S/);
      }
    }
  });

  it('loads its definitions without loading DuckDB', () => {
    const { before, after } = duckdbLibrariesLoadedBy(fileURLToPath(new URL('./index.ts', import.meta.url)));
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0);
  });
});
