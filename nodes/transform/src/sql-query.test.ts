import { sourceLineage } from '@loom/ml';
import { runNode } from '@loom/sdk/testing';
import { readTableInfo } from '@loom/tables';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlQuery } from './sql-query.ts';
import { nodeFailure, tableValues } from './test-helpers.ts';

let tables: TableFixtures;
beforeAll(async () => {
  tables = await TableFixtures.create();
});
afterAll(() => tables.close());

const INPUT = "SELECT * FROM (VALUES (1, 10.0, 'a'), (2, 20.0, 'b'), (3, 0.0, 'a')) t(id, price, kind)";

describe('transform.sql', () => {
  it('runs a SELECT over input and starts a new lineage from its output columns', async () => {
    const table = await tables.table(INPUT);
    const result = await runNode(sqlQuery, {
      inputs: { table },
      params: {
        query:
          "-- derived columns\nWITH priced AS (SELECT *, price / 2 AS half FROM input WHERE price > 0)\nSELECT id, half, upper(kind) AS kind, DATE '2024-01-01' AS day FROM priced ORDER BY id DESC; -- done",
      },
    });
    expect(await tableValues(result.outputs.table)).toEqual({ id: [2, 1], half: [10, 5], kind: ['B', 'A'] });
    expect((await readTableInfo(result.outputs.table.path)).lineage).toEqual(
      sourceLineage([
        { name: 'id', kind: 'number' },
        { name: 'half', kind: 'number' },
        { name: 'kind', kind: 'string' },
      ]),
    );
    expect(result.logs).toEqual([{ level: 'info', message: 'the query returned 2 rows × 4 columns' }]);
    await result.cleanup();
  });

  it('warns that the fitted steps before it will not be part of an exported model', async () => {
    const table = await tables.table(INPUT, {
      steps: [
        { kind: 'impute', column: 'price', value: 1 },
        { kind: 'scale', column: 'price', offset: 10, scale: 5 },
        { kind: 'one_hot', column: 'kind', categories: ['a', 'b'] },
      ],
    });
    const result = await runNode(sqlQuery, { inputs: { table }, params: { query: 'SELECT * FROM input' } });
    expect(result.logs[0]).toEqual({
      level: 'warn',
      message:
        'transform.sql starts a new lineage: the 3 fitted steps before it (impute, scale, one_hot) will not be part of ' +
        'an exported model, which will take this query’s output columns as its inputs',
    });
    await result.cleanup();
  });

  it('accepts only a single SELECT, as DuckDB parses it', async () => {
    const table = await tables.table(INPUT);
    const run = (query: string) => nodeFailure(runNode(sqlQuery, { inputs: { table }, params: { query } }));
    const onlySelect =
      'query must be a single SELECT (or WITH … SELECT) statement: it reads the table input and changes nothing';
    for (const query of [
      "COPY (SELECT * FROM input) TO '/tmp/loom-stolen.csv'",
      'CREATE TABLE t AS SELECT * FROM input',
      'DELETE FROM input',
      'PRAGMA version',
      "ATTACH '/tmp/loom-other.db' AS other",
      'SET threads = 1',
      'INSTALL httpfs',
    ]) {
      expect((await run(query)).message, query).toBe(onlySelect);
    }
    expect((await run('SELECT 1; SELECT 2')).message).toBe('query holds 2 statements; write a single SELECT');
    expect((await run('SELEC id FROM input')).message).toMatch(/^query: Parser Error: syntax error at or near "SELEC"/);
  });

  it('cannot read or write files other than its input and output', async () => {
    const table = await tables.table(INPUT);
    const run = (query: string) => nodeFailure(runNode(sqlQuery, { inputs: { table }, params: { query } }));
    for (const query of [
      "SELECT * FROM read_csv('/etc/passwd')",
      "SELECT * FROM read_text('/etc/hostname')",
      "SELECT * FROM glob('/*')",
      `SELECT * FROM read_parquet('${tables.directory}/*.parquet')`,
    ]) {
      const error = await run(query);
      expect(error.message, query).toMatch(
        /^query failed: Permission Error: Cannot access (file|directory) .* file system operations are disabled by configuration/,
      );
    }
  });

  it('reports DuckDB errors in the query and refuses duplicate output names', async () => {
    const table = await tables.table(INPUT);
    const run = (query: string) => nodeFailure(runNode(sqlQuery, { inputs: { table }, params: { query } }));
    expect((await run('SELECT nope FROM input')).message).toMatch(
      /^query failed: Binder Error: Referenced column "nope" not found in FROM clause!/,
    );
    expect((await run('SELECT id, id FROM input')).message).toBe(
      'the query returns two columns named "id"; name them apart with AS',
    );
    expect((await run('SELECT CAST(kind AS INTEGER) AS k FROM input')).message).toMatch(
      /^query failed: Conversion Error: Could not convert string 'a' to INT32/,
    );
  });

  it('stops a long query when the run is cancelled', async () => {
    const table = await tables.table(INPUT);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 200);
    const started = Date.now();
    await expect(
      runNode(sqlQuery, {
        inputs: { table },
        params: { query: 'SELECT count(*) AS n FROM range(1000000000000) a' },
        signal: controller.signal,
      }),
    ).rejects.toThrow('cancelled');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
