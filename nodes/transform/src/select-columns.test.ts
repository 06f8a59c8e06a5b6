import { runNode } from '@loom/sdk/testing';
import { readTableInfo } from '@loom/tables';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectColumns } from './select-columns.ts';
import { nodeFailure, tableValues } from './test-helpers.ts';

let tables: TableFixtures;
beforeAll(async () => {
  tables = await TableFixtures.create();
});
afterAll(() => tables.close());

const STEPS = [{ kind: 'scale' as const, column: 'a', offset: 1, scale: 2 }];

describe('transform.select_columns', () => {
  it('keeps the listed columns in the listed order, with the lineage unchanged', async () => {
    const table = await tables.table("SELECT 1 AS a, 'x' AS b, 2.5 AS c", { steps: STEPS });
    const result = await runNode(selectColumns, { inputs: { table }, params: { columns: ['c', 'a', 'c'] } });
    expect(await tableValues(result.outputs.table)).toEqual({ c: [2.5], a: [1] });
    expect((await readTableInfo(result.outputs.table.path)).lineage).toEqual((await readTableInfo(table.path)).lineage);
    expect(result.logs).toEqual([{ level: 'info', message: 'kept 2 columns of 3', fields: { columns: ['c', 'a'] } }]);
    await result.cleanup();
  });

  it('drops the listed columns in exclude mode, keeping the table order', async () => {
    const table = await tables.table("SELECT 1 AS a, 'x' AS b, 2.5 AS c, true AS d");
    const result = await runNode(selectColumns, {
      inputs: { table },
      params: { columns: ['c', 'a'], mode: 'exclude' },
    });
    expect(await tableValues(result.outputs.table)).toEqual({ b: ['x'], d: [1] });
    await result.cleanup();
  });

  it('names an unknown column and lists the ones there are', async () => {
    const table = await tables.table('SELECT 1 AS a, 2 AS "b c"');
    const error = await nodeFailure(runNode(selectColumns, { inputs: { table }, params: { columns: ['a', 'bc'] } }));
    expect(error.message).toBe('columns: column "bc" is not in the table; its columns are: "a", "b c"');
    expect(error.retryable).toBe(false);
  });

  it('refuses to drop every column', async () => {
    const table = await tables.table('SELECT 1 AS a');
    const error = await nodeFailure(
      runNode(selectColumns, { inputs: { table }, params: { columns: ['a'], mode: 'exclude' } }),
    );
    expect(error.message).toBe('exclude would drop every column of the table; keep at least one');
  });
});
