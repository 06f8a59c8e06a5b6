import { oneHotColumnName } from '@loom/ml';
import { runNode } from '@loom/sdk/testing';
import { readTableInfo } from '@loom/tables';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneHot } from './one-hot.ts';
import { nodeFailure, readTransform, tableValues } from './test-helpers.ts';

let tables: TableFixtures;
beforeAll(async () => {
  tables = await TableFixtures.create();
});
afterAll(() => tables.close());

const TABLE = `SELECT * FROM (VALUES
  (1, 'red', 'S', 'yes'),
  (2, 'blue', NULL, 'no'),
  (3, NULL, 'M', 'yes'),
  (4, 'Green', 'S', 'no')) t(id, colour, size, label)`;

describe('transform.one_hot', () => {
  it('replaces each text column with sorted 0/1 columns where it was, NULL giving zeros', async () => {
    const table = await tables.table(TABLE);
    const result = await runNode(oneHot, { inputs: { table }, params: { exclude: ['label'] } });
    const steps = [
      { kind: 'one_hot', column: 'colour', categories: ['Green', 'blue', 'red'] },
      { kind: 'one_hot', column: 'size', categories: ['M', 'S'] },
    ];
    expect((await readTransform(result.outputs.transform)).steps).toEqual(steps);
    expect(await tableValues(result.outputs.table)).toEqual({
      id: [1, 2, 3, 4],
      [oneHotColumnName('colour', 'Green')]: [0, 0, 0, 1],
      'colour=blue': [0, 1, 0, 0],
      'colour=red': [1, 0, 0, 0],
      'size=M': [0, 0, 1, 0],
      'size=S': [1, 0, 0, 1],
      label: ['yes', 'no', 'yes', 'no'],
    });
    const info = await readTableInfo(result.outputs.table.path);
    expect(info.columns.find((c) => c.name === 'size=S')?.type).toBe('DOUBLE');
    expect(info.lineage.steps).toEqual(steps);
    expect(result.logs[0]).toEqual({
      level: 'info',
      message: 'encoded 2 columns into 5 columns',
      fields: { categories: { colour: 3, size: 2 } },
    });
    await result.cleanup();
  });

  it('encodes only the listed columns', async () => {
    const table = await tables.table(TABLE);
    const result = await runNode(oneHot, { inputs: { table }, params: { columns: ['size'] } });
    expect(Object.keys(await tableValues(result.outputs.table))).toEqual(['id', 'colour', 'size=M', 'size=S', 'label']);
    await result.cleanup();
  });

  it('refuses too many categories, a number column, a taken name and an all-missing column', async () => {
    const many = await tables.table("SELECT 'v' || range AS code FROM range(101)");
    const tooMany = await nodeFailure(runNode(oneHot, { inputs: { table: many } }));
    expect(tooMany.message).toBe(
      'column "code" has 101 categories, more than max_categories (100); drop it with transform.select_columns ' +
        '(an identifier or free text rarely helps a model), or raise max_categories',
    );
    const raised = await runNode(oneHot, { inputs: { table: many }, params: { max_categories: 101 } });
    expect((await readTableInfo(raised.outputs.table.path)).columns).toHaveLength(101);
    await raised.cleanup();
    const table = await tables.table(TABLE);
    const number = await nodeFailure(runNode(oneHot, { inputs: { table }, params: { columns: ['id'] } }));
    expect(number.message).toBe(
      'column "id" holds numbers; one_hot encodes text columns (cast it with transform.sql, e.g. CAST(x AS VARCHAR) AS x, to encode it)',
    );
    const clashing = await tables.table('SELECT \'a\' AS k, 1.0 AS "k=a"');
    const clash = await nodeFailure(runNode(oneHot, { inputs: { table: clashing } }));
    expect(clash.message).toBe(
      'one-hot encoding "k" makes a column "k=a", but the table already has one; rename one of them first',
    );
    const twins = await tables.table("SELECT * FROM (VALUES ('Red'), ('red'), ('blue')) t(colour)");
    const caseTwins = await nodeFailure(runNode(oneHot, { inputs: { table: twins } }));
    expect(caseTwins.message).toBe(
      'column "colour" has categories "Red" and "red", whose one-hot columns would differ only in case, which a table ' +
        'cannot hold; merge them first with transform.sql (e.g. SELECT * REPLACE (lower("colour") AS "colour") FROM input)',
    );
    const caseClash = await tables.table('SELECT \'a\' AS k, 1.0 AS "K=A"');
    expect((await nodeFailure(runNode(oneHot, { inputs: { table: caseClash } }))).message).toBe(
      'one-hot encoding "k" makes a column "k=a", but the table has "K=A", a name that differs only in case, which ' +
        'DuckDB treats as the same; rename one of them first',
    );
    const empty = await tables.table('SELECT NULL::VARCHAR AS s, 1 AS x');
    const none = await nodeFailure(runNode(oneHot, { inputs: { table: empty } }));
    expect(none.message).toBe(
      'column "s" has no values to encode: every value is missing; drop it with transform.select_columns',
    );
  });
});
