import { runNode } from '@loom/sdk/testing';
import { readTableInfo } from '@loom/tables';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalize } from './normalize.ts';
import { nodeFailure, readTransform, tableValues } from './test-helpers.ts';

let tables: TableFixtures;
beforeAll(async () => {
  tables = await TableFixtures.create();
});
afterAll(() => tables.close());

const TABLE = `SELECT * FROM (VALUES
  (1::INTEGER, 0.5::DOUBLE, 7, 'a', 0),
  (2, NULL, 7, 'b', 1),
  (4, 'NaN'::DOUBLE, 7, 'c', 1),
  (9, 2.5, 7, 'd', 0)) t(x, y, k, s, label)`;

/** The population mean and standard deviation, as scikit-learn's StandardScaler computes them. */
function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
}

describe('transform.normalize', () => {
  it('z-scores every number column but the excluded ones, ignoring missing values, a constant column only shifted', async () => {
    const table = await tables.table(TABLE);
    const result = await runNode(normalize, { inputs: { table }, params: { exclude: ['label'] } });
    const x = meanStd([1, 2, 4, 9]);
    const y = meanStd([0.5, 2.5]);
    const steps = [
      { kind: 'scale', column: 'x', offset: x.mean, scale: x.std },
      { kind: 'scale', column: 'y', offset: y.mean, scale: y.std },
      { kind: 'scale', column: 'k', offset: 7, scale: 1 },
    ];
    const transform = await readTransform(result.outputs.transform);
    expect(transform.fittedBy).toBe('transform.normalize');
    expect(transform.steps).toHaveLength(3);
    for (const [i, step] of transform.steps.entries()) {
      const expected = steps[i] as { column: string; offset: number; scale: number };
      expect(step).toMatchObject({ kind: 'scale', column: expected.column });
      if (step.kind !== 'scale') throw new Error('expected a scale step');
      expect(step.offset).toBeCloseTo(expected.offset, 14);
      expect(step.scale).toBeCloseTo(expected.scale, 14);
    }
    const values = await tableValues(result.outputs.table);
    const fitted = transform.steps as Array<{ offset: number; scale: number }>;
    const [fx, fy] = fitted as [{ offset: number; scale: number }, { offset: number; scale: number }];
    // The table holds exactly what (x − offset) / scale gives with the recorded numbers.
    expect(values.x).toEqual([1, 2, 4, 9].map((v) => (v - fx.offset) / fx.scale));
    expect(values.y).toEqual([(0.5 - fy.offset) / fy.scale, Number.NaN, Number.NaN, (2.5 - fy.offset) / fy.scale]);
    expect(values.y?.[0]).toBeCloseTo(-1, 14);
    expect(values.k).toEqual([0, 0, 0, 0]);
    expect(values.label).toEqual([0, 1, 1, 0]);
    expect(values.s).toEqual(['a', 'b', 'c', 'd']);
    const info = await readTableInfo(result.outputs.table.path);
    expect(info.columns.map((c) => c.type)).toEqual(['DOUBLE', 'DOUBLE', 'DOUBLE', 'VARCHAR', 'INTEGER']);
    expect(info.lineage.steps).toEqual(transform.steps);
    expect(result.logs[0]?.message).toBe('rescaled 3 columns (zscore)');
    await result.cleanup();
  });

  it('rescales to 0–1 with minmax, the listed columns only', async () => {
    const table = await tables.table(TABLE);
    const result = await runNode(normalize, { inputs: { table }, params: { method: 'minmax', columns: ['x', 'k'] } });
    expect((await readTransform(result.outputs.transform)).steps).toEqual([
      { kind: 'scale', column: 'x', offset: 1, scale: 8 },
      { kind: 'scale', column: 'k', offset: 7, scale: 1 },
    ]);
    const values = await tableValues(result.outputs.table);
    expect(values.x).toEqual([0, 1 / 8, 3 / 8, 1]);
    expect(values.y).toEqual([0.5, Number.NaN, Number.NaN, 2.5]);
    await result.cleanup();
  });

  it('refuses text columns, unknown names, and columns with nothing to learn from', async () => {
    const table = await tables.table(TABLE);
    const text = await nodeFailure(runNode(normalize, { inputs: { table }, params: { columns: ['x', 's'] } }));
    expect(text.message).toBe('column "s" holds text; normalize rescales only number columns');
    const unknown = await nodeFailure(runNode(normalize, { inputs: { table }, params: { exclude: ['lable'] } }));
    expect(unknown.message).toBe(
      'exclude: column "lable" is not in the table; its columns are: "x", "y", "k", "s", "label"',
    );
    const empty = await tables.table("SELECT * FROM (VALUES (NULL::DOUBLE, 'inf'::DOUBLE), ('NaN', 1)) t(a, b)");
    const none = await nodeFailure(runNode(normalize, { inputs: { table: empty }, params: { columns: ['a'] } }));
    expect(none.message).toBe('column "a" has no values to learn a scale from: every value is missing');
    const infinite = await nodeFailure(runNode(normalize, { inputs: { table: empty }, params: { columns: ['b'] } }));
    expect(infinite.message).toBe('column "b" holds infinite values');
  });
});
