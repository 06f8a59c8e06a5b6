import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sourceLineage } from '@loom/ml';
import { runNode } from '@loom/sdk/testing';
import { quoteLiteral, readTableInfo, TableDatabase } from '@loom/tables';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataParquet } from './read-parquet.ts';
import { nodeFailure, scratchDir, tableValues } from './test-helpers.ts';

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  ({ dir, remove } = await scratchDir('loom-data-parquet-'));
});
afterAll(() => remove());

describe('data.parquet', () => {
  it('reads a Parquet file that Loom did not write, with a source lineage of its columns', async () => {
    const path = join(dir, 'foreign.parquet');
    const db = await TableDatabase.open();
    try {
      await db.run(
        `COPY (SELECT range::INTEGER AS i, 'r' || range AS s, [range] AS l FROM range(3)) TO ${quoteLiteral(path)} (FORMAT parquet)`,
      );
    } finally {
      db.close();
    }
    const result = await runNode(dataParquet, { params: { path } });
    const info = await readTableInfo(result.outputs.table.path);
    expect(info.rowCount).toBe(3);
    expect(info.lineage).toEqual(
      sourceLineage([
        { name: 'i', kind: 'number' },
        { name: 's', kind: 'string' },
      ]),
    );
    expect(await tableValues(result.outputs.table, ['i', 's'])).toEqual({ i: [0, 1, 2], s: ['r0', 'r1', 'r2'] });
    await result.cleanup();
  });

  it('starts a new lineage even when the file carries fitted steps', async () => {
    const tables = await TableFixtures.create();
    try {
      const ref = await tables.table('SELECT 1.0 AS x', {
        steps: [{ kind: 'scale', column: 'x', offset: 1, scale: 2 }],
      });
      const result = await runNode(dataParquet, { params: { path: ref.path } });
      expect((await readTableInfo(result.outputs.table.path)).lineage).toEqual(
        sourceLineage([{ name: 'x', kind: 'number' }]),
      );
      await result.cleanup();
    } finally {
      await tables.close();
    }
  });

  it('says when the file is not Parquet', async () => {
    await writeFile(join(dir, 'text.parquet'), 'a,b\n1,2\n');
    const error = await nodeFailure(runNode(dataParquet, { params: { path: join(dir, 'text.parquet') } }));
    expect(error.message).toBe(`${join(dir, 'text.parquet')} is not a Parquet file`);
  });
});
