import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceLineage, type TableLineage } from '@loom/ml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableDatabase } from './database.ts';
import { quoteLiteral } from './sql.ts';
import { previewTable, readTableInfo, readTableLineage } from './table-info.ts';
import { writeTableFromQuery } from './write-table.ts';

let dir: string;
let db: TableDatabase;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-table-info-'));
  db = await TableDatabase.open();
});
afterAll(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const LINEAGE: TableLineage = {
  format: 'loom.lineage',
  version: 1,
  sources: [
    { name: 'âge', kind: 'number' },
    { name: 'ville \'n\' "city"', kind: 'string' },
  ],
  steps: [
    { kind: 'impute', column: 'âge', value: 41.5 },
    { kind: 'impute_category', column: 'ville \'n\' "city"', value: 'Zürich' },
    { kind: 'scale', column: 'âge', offset: 41.5, scale: 12.25 },
    { kind: 'one_hot', column: 'ville \'n\' "city"', categories: ['Paris', 'Zürich', '東京'] },
  ],
};

describe('writeTableFromQuery and readTableInfo', () => {
  it('round-trips the lineage, non-ASCII names included, and reports rows and column kinds', async () => {
    const path = join(dir, 'lineage.parquet');
    const written = await writeTableFromQuery(
      db,
      `SELECT range::INTEGER AS n, 'x' AS s, (range * 0.5)::DECIMAL(10,2) AS d, range % 2 = 0 AS b, DATE '2024-01-01' AS day
       FROM range(5) -- a trailing comment must not break the COPY`,
      path,
      LINEAGE,
    );
    expect(written).toEqual({ rowCount: 5 });
    const info = await readTableInfo(path);
    expect(info.rowCount).toBe(5);
    expect(info.columns).toEqual([
      { name: 'n', type: 'INTEGER', kind: 'number' },
      { name: 's', type: 'VARCHAR', kind: 'string' },
      { name: 'd', type: 'DECIMAL(10,2)', kind: 'number' },
      { name: 'b', type: 'BOOLEAN', kind: 'number' },
      { name: 'day', type: 'DATE', kind: 'other' },
    ]);
    expect(info.lineage).toEqual(LINEAGE);
    expect(await readTableLineage(path)).toEqual(LINEAGE);
  });

  it('gives a Parquet file without lineage a source lineage of its number and string columns', async () => {
    const path = join(dir, 'foreign.parquet');
    await db.run(`COPY (SELECT 1.5 AS x, 'a' AS s, [1] AS l, true AS flag) TO ${quoteLiteral(path)} (FORMAT parquet)`);
    expect(await readTableLineage(path)).toEqual(
      sourceLineage([
        { name: 'x', kind: 'number' },
        { name: 's', kind: 'string' },
        { name: 'flag', kind: 'number' },
      ]),
    );
  });

  it('says which file has malformed lineage metadata', async () => {
    const path = join(dir, 'bad-lineage.parquet');
    const encoded = Buffer.from(
      JSON.stringify({ format: 'loom.lineage', version: 2, sources: [], steps: [] }),
    ).toString('base64');
    await db.run(
      `COPY (SELECT 1 AS x) TO ${quoteLiteral(path)} (FORMAT parquet, KV_METADATA {loom_lineage: '${encoded}'})`,
    );
    await expect(readTableInfo(path)).rejects.toThrow(`${path}: the loom_lineage metadata has version 2`);
    const garbled = join(dir, 'garbled-lineage.parquet');
    await db.run(`COPY (SELECT 1 AS x) TO ${quoteLiteral(garbled)} (FORMAT parquet, KV_METADATA {loom_lineage: '@@'})`);
    await expect(readTableLineage(garbled)).rejects.toThrow('is not base64-encoded JSON');
  });

  it('counts the rows of an empty result', async () => {
    const path = join(dir, 'empty.parquet');
    expect(await writeTableFromQuery(db, 'SELECT 1 AS x WHERE false', path, sourceLineage([]))).toEqual({
      rowCount: 0,
    });
    expect((await readTableInfo(path)).rowCount).toBe(0);
  });
});

describe('previewTable', () => {
  it('shows the first rows as plain values, and the full row count', async () => {
    const path = join(dir, 'preview.parquet');
    await writeTableFromQuery(
      db,
      `SELECT range AS i, range * 0.25 AS d, CASE WHEN range = 1 THEN NULL ELSE 'v' || range END AS s,
              range % 2 = 0 AS b, DATE '2024-01-01' + range::INTEGER AS day, 12345678901234567890::HUGEINT AS huge
       FROM range(30)`,
      path,
      sourceLineage([]),
    );
    const preview = await previewTable(path, 2);
    expect(preview.rowCount).toBe(30);
    expect(preview.columns.map((c) => c.kind)).toEqual(['number', 'number', 'string', 'number', 'other', 'number']);
    expect(preview.rows).toEqual([
      { i: 0, d: 0, s: 'v0', b: true, day: '2024-01-01', huge: 12345678901234567000 },
      { i: 1, d: 0.25, s: null, b: false, day: '2024-01-02', huge: 12345678901234567000 },
    ]);
    expect((await previewTable(path)).rows).toHaveLength(20);
    await expect(previewTable(path, -1)).rejects.toThrow('limit');
  });
});
