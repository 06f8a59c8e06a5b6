import { fileURLToPath } from 'node:url';
import { NodeRegistry, parameterJsonSchema } from '@loom/sdk';
import { duckdbLibrariesLoadedBy } from '@loom/tables/testing';
import { describe, expect, it } from 'vitest';
import { transformNodes } from './index.ts';

describe('@loom/nodes-transform', () => {
  it('registers every node once, in the transform category, with described parameters and ports', () => {
    const registry = new NodeRegistry(
      transformNodes.map((definition) => ({ definition, source: '@loom/nodes-transform' })),
    );
    expect(registry.latest().map((n) => n.definition.type)).toEqual([
      'transform.apply',
      'transform.clean_missing',
      'transform.normalize',
      'transform.one_hot',
      'transform.select_columns',
      'transform.split',
      'transform.sql',
    ]);
    for (const node of transformNodes) {
      expect(node.category).toBe('transform');
      expect(node.cacheable).toBe(true);
      expect(node.inputs.table?.type).toBe('table');
      const schema = parameterJsonSchema(node.params) as { properties?: Record<string, { description?: string }> };
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        expect(property.description, `${node.type} ${name}`).toMatch(/\S/);
      }
      for (const [name, port] of Object.entries({ ...node.inputs, ...node.outputs })) {
        expect((port as { description?: string }).description, `${node.type} port ${name}`).toMatch(/\S/);
      }
    }
    const learners = transformNodes.filter((node) => node.outputs.transform !== undefined).map((node) => node.type);
    expect(learners).toEqual(['transform.clean_missing', 'transform.normalize', 'transform.one_hot']);
  });

  it('loads its definitions without loading DuckDB', () => {
    const { before, after } = duckdbLibrariesLoadedBy(fileURLToPath(new URL('./index.ts', import.meta.url)));
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0);
  });
});
