import { createRng } from '@loom/ml';
import { runNode } from '@loom/sdk/testing';
import { readTableInfo } from '@loom/tables';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { split } from './split.ts';
import { nodeFailure, tableValues } from './test-helpers.ts';

let tables: TableFixtures;
beforeAll(async () => {
  tables = await TableFixtures.create();
});
afterAll(() => tables.close());

async function ids(ref: { path: string }): Promise<number[]> {
  return (await tableValues(ref)).id as number[];
}

describe('transform.split', () => {
  it('draws exactly round(n × fraction) test rows with createRng, both sides in the original order', async () => {
    const table = await tables.table("SELECT range::INTEGER AS id, 'r' || range AS name FROM range(101)", {
      steps: [{ kind: 'impute', column: 'id', value: 0 }],
    });
    const result = await runNode(split, { inputs: { table }, params: { fraction: 0.25, seed: 7 } });
    // The reference: shuffle the row numbers with the same generator and take the first round(n × fraction).
    const expected = createRng(7)
      .shuffle(Int32Array.from({ length: 101 }, (_, i) => i))
      .subarray(0, 25)
      .sort();
    const test = await ids(result.outputs.test);
    const train = await ids(result.outputs.train);
    expect(test).toEqual(Array.from(expected));
    expect(train).toEqual(Array.from({ length: 101 }, (_, i) => i).filter((i) => !expected.includes(i)));
    expect((await tableValues(result.outputs.test)).name).toEqual(test.map((i) => `r${i}`));
    const lineage = (await readTableInfo(table.path)).lineage;
    expect((await readTableInfo(result.outputs.train.path)).lineage).toEqual(lineage);
    expect((await readTableInfo(result.outputs.test.path)).lineage).toEqual(lineage);
    expect(result.logs).toEqual([
      { level: 'info', message: 'split 101 rows into 76 for train and 25 for test', fields: { train: 76, test: 25 } },
    ]);
    await result.cleanup();
  });

  it('gives the same split for the same seed and another for another seed', async () => {
    const table = await tables.table('SELECT range::INTEGER AS id FROM range(50)');
    const first = await runNode(split, { inputs: { table } });
    const again = await runNode(split, { inputs: { table } });
    const other = await runNode(split, { inputs: { table }, params: { seed: 43 } });
    expect(await ids(first.outputs.test)).toHaveLength(10);
    expect(await ids(again.outputs.test)).toEqual(await ids(first.outputs.test));
    expect(await ids(other.outputs.test)).not.toEqual(await ids(first.outputs.test));
    expect(first.outputs.test.sha256).toBe(again.outputs.test.sha256);
    for (const result of [first, again, other]) await result.cleanup();
  });

  it('keeps each class’s share when stratified, missing labels forming a class of their own', async () => {
    // 60 "a", 30 "b", 10 missing labels, interleaved.
    const table = await tables.table(
      "SELECT range::INTEGER AS id, CASE WHEN range % 10 = 9 THEN NULL WHEN range % 3 = 0 THEN 'b' ELSE 'a' END AS label FROM range(100)",
    );
    const counts = async (ref: { path: string }) => {
      const labels = (await tableValues(ref)).label as Array<string | null>;
      return {
        a: labels.filter((l) => l === 'a').length,
        b: labels.filter((l) => l === 'b').length,
        missing: labels.filter((l) => l === null).length,
      };
    };
    const before = await counts(table);
    const result = await runNode(split, {
      inputs: { table },
      params: { fraction: 0.3, stratify_by: 'label', seed: 1 },
    });
    const test = await counts(result.outputs.test);
    expect(test).toEqual({
      a: Math.round(before.a * 0.3),
      b: Math.round(before.b * 0.3),
      missing: Math.round(before.missing * 0.3),
    });
    const trainIds = await ids(result.outputs.train);
    const testIds = await ids(result.outputs.test);
    expect(trainIds).toEqual([...trainIds].sort((x, y) => x - y));
    expect([...trainIds, ...testIds].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    await result.cleanup();
    const numeric = await tables.table('SELECT range::INTEGER AS id, range % 2 AS label FROM range(40)');
    const byNumber = await runNode(split, {
      inputs: { table: numeric },
      params: { fraction: 0.5, stratify_by: 'label' },
    });
    expect((await tableValues(byNumber.outputs.test)).label?.filter((l) => l === 1)).toHaveLength(10);
    await byNumber.cleanup();
  });

  it('keeps the order across many row groups of a large table', async () => {
    const table = await tables.table('SELECT range::INTEGER AS id, range * 0.5 AS x FROM range(600000)');
    const result = await runNode(split, { inputs: { table }, params: { fraction: 0.5, seed: 3 } });
    for (const side of [result.outputs.train, result.outputs.test]) {
      const values = await ids(side);
      expect(values).toHaveLength(300_000);
      let ordered = true;
      for (let i = 1; i < values.length; i++) if ((values[i] as number) <= (values[i - 1] as number)) ordered = false;
      expect(ordered).toBe(true);
    }
    await result.cleanup();
  });

  it('refuses a split that leaves a side empty, and a stratify column it cannot use', async () => {
    const tiny = await tables.table('SELECT range::INTEGER AS id FROM range(2)');
    const empty = await nodeFailure(runNode(split, { inputs: { table: tiny }, params: { fraction: 0.2 } }));
    expect(empty.message).toBe('a 0.2 split of 2 rows leaves the test table empty; use more rows or a larger fraction');
    const full = await nodeFailure(runNode(split, { inputs: { table: tiny }, params: { fraction: 0.9 } }));
    expect(full.message).toBe(
      'a 0.9 split of 2 rows leaves the train table empty; use more rows or a smaller fraction',
    );
    const dated = await tables.table("SELECT range::INTEGER AS id, DATE '2024-01-01' AS day FROM range(10)");
    const date = await nodeFailure(runNode(split, { inputs: { table: dated }, params: { stratify_by: 'day' } }));
    expect(date.message).toBe('stratify_by: column "day" holds DATE values; stratify by a number or text column');
    const unknown = await nodeFailure(runNode(split, { inputs: { table: dated }, params: { stratify_by: 'label' } }));
    expect(unknown.message).toBe('stratify_by: column "label" is not in the table; its columns are: "id", "day"');
    await expect(runNode(split, { inputs: { table: tiny }, params: { fraction: 1 } })).rejects.toThrow(
      'invalid params',
    );
  });

  it('keeps a one-row class in train with a warning, and refuses to stratify by a continuous column', async () => {
    const table = await tables.table(
      "SELECT range::INTEGER AS id, CASE WHEN range < 10 THEN 'A' WHEN range < 19 THEN 'B' ELSE 'C' END AS label FROM range(20)",
    );
    const result = await runNode(split, { inputs: { table }, params: { fraction: 0.5, stratify_by: 'label' } });
    expect(await ids(result.outputs.train)).toContain(19);
    expect(await ids(result.outputs.test)).toHaveLength(10);
    expect(result.logs.map((l) => l.message)).toContain(
      'stratify_by "label": 1 value has a single row, kept in train only; the test table has no example of it',
    );
    await result.cleanup();
    const continuous = await tables.table('SELECT range::INTEGER AS id, sin(range) AS x FROM range(121)');
    const failure = await nodeFailure(runNode(split, { inputs: { table: continuous }, params: { stratify_by: 'x' } }));
    expect(failure.message).toBe(
      'stratify_by: column "x" has 121 distinct values in 121 rows, so most groups hold one row; stratify by a class column',
    );
  });
});
