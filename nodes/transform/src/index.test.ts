import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NodeRegistry, parameterJsonSchema } from '@loom/sdk';
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
    const index = fileURLToPath(new URL('./index.ts', import.meta.url));
    // Lists DuckDB's native libraries after importing the package, then again after opening a database,
    // which shows the check can see them.
    const script = `const duckdb = () => process.report.getReport().sharedObjects.filter((name) => name.includes('duckdb')).length;
      await import(${JSON.stringify(index)});
      const before = duckdb();
      const { TableDatabase } = await import('@loom/tables');
      (await TableDatabase.open()).close();
      console.log(JSON.stringify({ before, after: duckdb() }));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    const { before, after } = JSON.parse(output.trim()) as { before: number; after: number };
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0);
  });
});
