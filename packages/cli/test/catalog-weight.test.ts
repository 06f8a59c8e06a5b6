// The server lists nodes from their definitions without loading what runs them: DuckDB and
// onnxruntime (native libraries of tens of MB) load only in the step runners that need them.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './loom-process.ts';

describe('the built-in catalog', () => {
  it('loads without the native libraries its nodes run with', async () => {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      tsx,
      `${FIXTURES}native-libraries-after-catalog.ts`,
    ]);
    const { nodes, loaded } = JSON.parse(stdout) as { nodes: number; loaded: string[] };
    expect(nodes).toBeGreaterThan(15);
    expect(loaded.filter((file) => /duckdb|onnxruntime/i.test(file))).toEqual([]);
  }, 60_000);
});
