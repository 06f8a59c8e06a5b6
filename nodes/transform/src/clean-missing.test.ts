import { runNode } from '@loom/sdk/testing';
import { readTableInfo } from '@loom/tables';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanMissing } from './clean-missing.ts';
import { nodeFailure, readTransform, tableValues } from './test-helpers.ts';

let tables: TableFixtures;
beforeAll(async () => {
  tables = await TableFixtures.create();
});
afterAll(() => tables.close());

/** n: integers with a NULL; d: doubles with NULL and NaN; s: text with NULLs; flag: booleans; day: a date. */
const MIXED = `SELECT * FROM (VALUES
  (1::INTEGER, 1.0::DOUBLE, 'b', true, DATE '2024-01-01'),
  (NULL, 'NaN'::DOUBLE, 'a', false, DATE '2024-01-02'),
  (4, 2.0, NULL, true, NULL),
  (4, NULL, 'b', NULL, DATE '2024-01-04'),
  (6, 10.0, 'a', true, DATE '2024-01-05')) t(n, d, s, flag, day)`;

describe('transform.clean_missing', () => {
  it('fills number columns with their mean by default, NaN counting as missing, and records impute steps', async () => {
    const table = await tables.table(MIXED);
    const result = await runNode(cleanMissing, { inputs: { table } });
    const steps = [
      { kind: 'impute', column: 'n', value: 15 / 4 },
      { kind: 'impute', column: 'd', value: 13 / 3 },
      { kind: 'impute', column: 'flag', value: 0.75 },
    ];
    expect(await tableValues(result.outputs.table)).toEqual({
      n: [1, 15 / 4, 4, 4, 6],
      d: [1, 13 / 3, 2, 13 / 3, 10],
      s: ['b', 'a', null, 'b', 'a'],
      flag: [1, 0, 1, 0.75, 1],
    });
    const info = await readTableInfo(result.outputs.table.path);
    expect(info.columns.map((c) => c.type)).toEqual(['DOUBLE', 'DOUBLE', 'VARCHAR', 'DOUBLE', 'DATE']);
    expect(info.lineage.steps).toEqual(steps);
    expect(await readTransform(result.outputs.transform)).toEqual({
      format: 'loom.transform',
      version: 1,
      fittedBy: 'transform.clean_missing',
      steps,
    });
    expect(result.metrics).toEqual({ missing_values: 4 });
    expect(result.logs).toEqual([
      {
        level: 'info',
        message: 'filled 4 missing values in 3 columns (mean)',
        fields: { missing: { n: 1, d: 2, flag: 1 }, fills: { n: 3.75, d: 13 / 3, flag: 0.75 } },
      },
    ]);
    await result.cleanup();
  });

  it('takes the median (the middle pair’s mean for an even count)', async () => {
    const table = await tables.table(MIXED);
    const result = await runNode(cleanMissing, {
      inputs: { table },
      params: { strategy: 'median', columns: ['n', 'd'] },
    });
    expect((await readTransform(result.outputs.transform)).steps).toEqual([
      { kind: 'impute', column: 'n', value: 4 },
      { kind: 'impute', column: 'd', value: 2 },
    ]);
    const values = await tableValues(result.outputs.table);
    expect(values.n).toEqual([1, 4, 4, 4, 6]);
    expect(values.d).toEqual([1, 2, 2, 2, 10]);
    await result.cleanup();
  });

  it('fills with the most frequent value, ties going to the smallest, in number and text columns', async () => {
    const table = await tables.table(MIXED);
    const result = await runNode(cleanMissing, { inputs: { table }, params: { strategy: 'most_frequent' } });
    expect((await readTransform(result.outputs.transform)).steps).toEqual([
      { kind: 'impute', column: 'n', value: 4 },
      { kind: 'impute', column: 'd', value: 1 },
      { kind: 'impute_category', column: 's', value: 'a' },
      { kind: 'impute', column: 'flag', value: 1 },
    ]);
    const values = await tableValues(result.outputs.table);
    expect(values.s).toEqual(['b', 'a', 'a', 'b', 'a']);
    expect(values.d).toEqual([1, 1, 2, 1, 10]);
    await result.cleanup();
  });

  it('fills with a constant the columns of its kind', async () => {
    const table = await tables.table(MIXED);
    const text = await runNode(cleanMissing, { inputs: { table }, params: { strategy: 'constant', value: 'unknown' } });
    expect((await readTransform(text.outputs.transform)).steps).toEqual([
      { kind: 'impute_category', column: 's', value: 'unknown' },
    ]);
    expect((await tableValues(text.outputs.table)).s).toEqual(['b', 'a', 'unknown', 'b', 'a']);
    await text.cleanup();
    const number = await runNode(cleanMissing, {
      inputs: { table },
      params: { strategy: 'constant', value: -1, columns: ['d'] },
    });
    expect((await tableValues(number.outputs.table)).d).toEqual([1, -1, 2, -1, 10]);
    await number.cleanup();
  });

  it('removes rows with a missing value in the chosen columns, and records no steps', async () => {
    const table = await tables.table(MIXED);
    const result = await runNode(cleanMissing, {
      inputs: { table },
      params: { strategy: 'remove_rows', columns: ['d', 'day'] },
    });
    expect(await tableValues(result.outputs.table)).toEqual({
      n: [1, 6],
      d: [1, 10],
      s: ['b', 'a'],
      flag: [1, 1],
    });
    expect((await readTransform(result.outputs.transform)).steps).toEqual([]);
    expect(result.logs[0]?.message).toBe('removed 3 rows of 5 with missing values in 2 columns');
    const all = await runNode(cleanMissing, { inputs: { table }, params: { strategy: 'remove_rows' } });
    expect((await readTableInfo(all.outputs.table.path)).rowCount).toBe(2);
    await result.cleanup();
    await all.cleanup();
  });

  it('explains what cannot be filled', async () => {
    const table = await tables.table(MIXED);
    const run = (params: Record<string, unknown>) => nodeFailure(runNode(cleanMissing, { inputs: { table }, params }));
    expect((await run({ columns: ['s'] })).message).toBe(
      'column "s" holds text; strategy mean fills only number columns (use most_frequent or constant for it)',
    );
    expect((await run({ strategy: 'constant' })).message).toBe('strategy constant needs a value to fill with');
    expect((await run({ strategy: 'constant', value: 0, columns: ['s'] })).message).toBe(
      'value 0 is a number, but column "s" holds text; fill it with a separate clean_missing node',
    );
    expect((await run({ strategy: 'most_frequent', columns: ['day'] })).message).toBe(
      'column "day" holds DATE values, which can only be removed (strategy remove_rows), not filled',
    );
    expect((await run({ columns: ['nope'] })).message).toBe(
      'columns: column "nope" is not in the table; its columns are: "n", "d", "s", "flag", "day"',
    );
    const empty = await tables.table("SELECT NULL::DOUBLE AS x, 'NaN'::DOUBLE AS y");
    const none = await nodeFailure(runNode(cleanMissing, { inputs: { table: empty }, params: { columns: ['y'] } }));
    expect(none.message).toBe('column "y" has no values to take the mean of: every value is missing');
  });

  it('warns when a value is given to a strategy that does not use it', async () => {
    const table = await tables.table('SELECT 1.0 AS x');
    const result = await runNode(cleanMissing, { inputs: { table }, params: { value: 3 } });
    expect(result.logs[0]).toEqual({ level: 'warn', message: 'value is used only by strategy constant, not mean' });
    await result.cleanup();
  });
});
