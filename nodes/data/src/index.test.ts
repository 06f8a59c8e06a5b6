import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NodeRegistry, parameterJsonSchema } from '@loom/sdk';
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
