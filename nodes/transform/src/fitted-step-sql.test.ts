import { TableDatabase } from '@loom/tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStepsSql, type StepColumn, StepColumnError } from './fitted-step-sql.ts';

let db: TableDatabase;
beforeAll(async () => {
  db = await TableDatabase.open();
  await db.run(`CREATE TABLE t AS SELECT * FROM (VALUES
    (1::INTEGER, 'red', 2.5::DOUBLE, true, DATE '2024-01-01'),
    (NULL, NULL, 'NaN'::DOUBLE, false, NULL),
    (3, 'blue', NULL, NULL, NULL)) v(n, colour, d, flag, day)`);
});
afterAll(() => db.close());

const COLUMNS: StepColumn[] = [
  { name: 'n', kind: 'number' },
  { name: 'colour', kind: 'string' },
  { name: 'd', kind: 'number' },
  { name: 'flag', kind: 'number' },
  { name: 'day', kind: 'other' },
];

describe('applyStepsSql', () => {
  it('applies each step kind in place, chaining steps on one column in order', async () => {
    const { sql, columns } = applyStepsSql(
      COLUMNS,
      [
        { kind: 'impute', column: 'n', value: 2 },
        { kind: 'impute', column: 'd', value: 0.5 },
        { kind: 'impute_category', column: 'colour', value: 'green' },
        { kind: 'scale', column: 'n', offset: 2, scale: 0.5 },
        { kind: 'one_hot', column: 'colour', categories: ['blue', 'green', 'red'] },
        { kind: 'scale', column: 'flag', offset: 1, scale: 2 },
      ],
      't',
    );
    expect(columns).toEqual([
      { name: 'n', kind: 'number' },
      { name: 'colour=blue', kind: 'number' },
      { name: 'colour=green', kind: 'number' },
      { name: 'colour=red', kind: 'number' },
      { name: 'd', kind: 'number' },
      { name: 'flag', kind: 'number' },
      { name: 'day', kind: 'other' },
    ]);
    const rows = await db.all(`SELECT * EXCLUDE (day) FROM (${sql})`);
    expect(rows).toEqual([
      { n: -2, 'colour=blue': 0, 'colour=green': 0, 'colour=red': 1, d: 2.5, flag: 0 },
      { n: 0, 'colour=blue': 0, 'colour=green': 1, 'colour=red': 0, d: 0.5, flag: -0.5 },
      { n: 2, 'colour=blue': 1, 'colour=green': 0, 'colour=red': 0, d: 0.5, flag: null },
    ]);
    const types = await db.all(
      `SELECT typeof(n) AS n, typeof("colour=red") AS c, typeof(day) AS day FROM (${sql}) LIMIT 1`,
    );
    expect(types).toEqual([{ n: 'DOUBLE', c: 'DOUBLE', day: 'DATE' }]);
  });

  it('leaves a table alone with no steps, and gives unseen categories all zeros', async () => {
    expect(applyStepsSql(COLUMNS, [], 't')).toEqual({ sql: 'SELECT * FROM t', columns: COLUMNS });
    const { sql } = applyStepsSql(COLUMNS, [{ kind: 'one_hot', column: 'colour', categories: ['red'] }], 't');
    expect(await db.all(`SELECT "colour=red" AS r FROM (${sql})`)).toEqual([{ r: 1 }, { r: 0 }, { r: 0 }]);
  });

  it('refuses a missing column, a column of the wrong kind and a one-hot name that is taken', () => {
    const failure = (run: () => unknown) => {
      try {
        run();
      } catch (cause) {
        expect(cause).toBeInstanceOf(StepColumnError);
        return cause as StepColumnError;
      }
      throw new Error('expected a StepColumnError');
    };
    const missing = failure(() => applyStepsSql(COLUMNS, [{ kind: 'impute', column: 'age', value: 1 }], 't'));
    expect([missing.problem, missing.message]).toEqual(['missing', 'column "age" is not in the table']);
    const kind = failure(() => applyStepsSql(COLUMNS, [{ kind: 'scale', column: 'colour', offset: 0, scale: 1 }], 't'));
    expect([kind.problem, kind.message]).toEqual([
      'kind',
      'column "colour" holds text, but a scale step needs numbers',
    ]);
    const clash = failure(() =>
      applyStepsSql(
        [...COLUMNS, { name: 'colour=red', kind: 'number' }],
        [{ kind: 'one_hot', column: 'colour', categories: ['red'] }],
        't',
      ),
    );
    expect([clash.problem, clash.message]).toEqual([
      'clash',
      'one-hot encoding "colour" makes a column "colour=red", but the table already has one',
    ]);
  });
});
