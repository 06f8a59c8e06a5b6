import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sourceLineage } from '@loom/ml';
import { runNode } from '@loom/sdk/testing';
import { readTableInfo } from '@loom/tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataCsv } from './read-csv.ts';
import { nodeFailure, scratchDir, tableValues } from './test-helpers.ts';

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  ({ dir, remove } = await scratchDir('loom-data-csv-'));
});
afterAll(() => remove());

/** A CSV of `rows` rows with a numeric column `x` that holds `bad` at data row `badRow`. */
function numericCsv(rows: number, badRow: number, bad = 'abc'): string {
  const lines = ['id,x,name'];
  for (let i = 1; i <= rows; i++) lines.push(`${i},${i === badRow ? bad : i * 1.5},n${i}`);
  return `${lines.join('\n')}\n`;
}

describe('data.csv', () => {
  it('reads a CSV with inferred types into a Parquet table with a source lineage, and logs its size', async () => {
    await writeFile(
      join(dir, 'people.csv'),
      'age,city,member,joined\n31,Paris,true,2024-01-02\n,Lyon,false,2024-02-03\n47,,true,\n',
    );
    const result = await runNode(dataCsv, { params: { path: 'people.csv' }, baseDir: dir });
    const ref = result.outputs.table;
    expect(ref.mediaType).toBe('application/vnd.apache.parquet');
    const info = await readTableInfo(ref.path);
    expect(info.rowCount).toBe(3);
    expect(info.columns).toEqual([
      { name: 'age', type: 'BIGINT', kind: 'number' },
      { name: 'city', type: 'VARCHAR', kind: 'string' },
      { name: 'member', type: 'BOOLEAN', kind: 'number' },
      { name: 'joined', type: 'DATE', kind: 'other' },
    ]);
    expect(info.lineage).toEqual(
      sourceLineage([
        { name: 'age', kind: 'number' },
        { name: 'city', kind: 'string' },
        { name: 'member', kind: 'number' },
      ]),
    );
    expect(await tableValues(ref, ['age', 'city', 'member'])).toEqual({
      age: [31, Number.NaN, 47],
      city: ['Paris', 'Lyon', null],
      member: [1, 0, 1],
    });
    expect(result.logs).toContainEqual({
      level: 'info',
      message: `read 3 rows × 4 columns from people.csv (${join(dir, 'people.csv')})`,
      fields: { rows: 3, columns: { age: 'BIGINT', city: 'VARCHAR', member: 'BOOLEAN', joined: 'DATE' } },
    });
    expect(result.logs.find((log) => log.level === 'warn')?.message).toBe(
      '"joined" (DATE) is neither number nor text, so trainers will not take it; convert with transform.sql if needed',
    );
    expect(result.progress.at(-1)).toEqual({ fraction: 1 });
    await result.cleanup();
  });

  it('honours delimiter, header, null_values and column type overrides', async () => {
    await writeFile(join(dir, 'semi.csv'), '1;NA;007\n2;2.5;?\n3;-1;010\n');
    const result = await runNode(dataCsv, {
      params: {
        path: 'semi.csv',
        delimiter: ';',
        header: false,
        null_values: ['NA', '?'],
        columns: { column2: 'VARCHAR' },
      },
      baseDir: dir,
    });
    const info = await readTableInfo(result.outputs.table.path);
    expect(info.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'column0:BIGINT',
      'column1:DOUBLE',
      'column2:VARCHAR',
    ]);
    expect(await tableValues(result.outputs.table, ['column1', 'column2'])).toEqual({
      column1: [Number.NaN, 2.5, -1],
      column2: ['007', null, '010'],
    });
    await result.cleanup();
  });

  it('reads gzip-compressed CSV and names with spaces and quotes', async () => {
    await writeFile(join(dir, 'q.csv.gz'), gzipSync('"a ""b""",c=d\n1,x\n'));
    const result = await runNode(dataCsv, { params: { path: 'q.csv.gz' }, baseDir: dir });
    expect(await tableValues(result.outputs.table, ['a "b"', 'c=d'])).toEqual({ 'a "b"': [1], 'c=d': ['x'] });
    await result.cleanup();
  });

  it('stops at a value that does not fit a declared type, naming the line and the column', async () => {
    await writeFile(join(dir, 'row3000.csv'), numericCsv(5000, 3000));
    const error = await nodeFailure(
      runNode(dataCsv, { params: { path: 'row3000.csv', columns: { x: 'DOUBLE' } }, baseDir: dir }),
    );
    expect(error.message).toBe(
      `row3000.csv (${join(dir, 'row3000.csv')}) line 3001: column "x" holds "abc", which is not a valid DOUBLE ` +
        '(the type set in columns); if "abc" marks a missing value, add it to null_values.',
    );
    expect(error.retryable).toBe(false);
  });

  it('stops at a value past the rows the type inference sampled, naming the line and the column', async () => {
    await writeFile(join(dir, 'late.csv'), numericCsv(30_000, 25_000));
    const error = await nodeFailure(runNode(dataCsv, { params: { path: 'late.csv' }, baseDir: dir }));
    expect(error.message).toBe(
      `late.csv (${join(dir, 'late.csv')}) line 25001: column "x" holds "abc", which is not a valid DOUBLE. ` +
        'The type DOUBLE was inferred from the first rows of the file; if "abc" marks a missing value, add it to ' +
        'null_values, or set columns: {"x": "VARCHAR"} to keep the column as text.',
    );
  });

  it('warns when a few odd values made a numeric column text, and fixes it with null_values', async () => {
    await writeFile(join(dir, 'mostly.csv'), numericCsv(5000, 3000, 'NA'));
    const result = await runNode(dataCsv, { params: { path: 'mostly.csv' }, baseDir: dir });
    expect(result.logs.filter((log) => log.level === 'warn').map((log) => log.message)).toEqual([
      'column "x" was read as text because 1 of its 5000 values is not numbers (first: "NA" in data row 3000); if that ' +
        'marks a missing value, add it to null_values; to read the column as numbers and stop at such values, set ' +
        'columns: {"x": "DOUBLE"}',
    ]);
    await result.cleanup();
    const fixed = await runNode(dataCsv, { params: { path: 'mostly.csv', null_values: ['NA'] }, baseDir: dir });
    const info = await readTableInfo(fixed.outputs.table.path);
    expect(info.columns.find((c) => c.name === 'x')?.type).toBe('DOUBLE');
    expect(fixed.logs.filter((log) => log.level === 'warn')).toEqual([]);
    const { x } = await tableValues(fixed.outputs.table, ['x']);
    expect(x?.[2999]).toBeNaN();
    expect(x?.[2998]).toBe(2999 * 1.5);
    await fixed.cleanup();
  });

  it('names a row with too many fields', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 30_000; i++) lines.push(i === 25_000 ? '1,2,3' : `${i},${i}`);
    await writeFile(join(dir, 'ragged.csv'), lines.join('\n'));
    const error = await nodeFailure(runNode(dataCsv, { params: { path: 'ragged.csv' }, baseDir: dir }));
    expect(error.message).toBe(
      `ragged.csv (${join(dir, 'ragged.csv')}) line 25002: Expected Number of Columns: 2 Found: 3`,
    );
  });

  it('lists the columns when a type override names one the file lacks, and rejects unknown types', async () => {
    await writeFile(join(dir, 'ab.csv'), 'a,b\n1,2\n');
    const path = join(dir, 'ab.csv');
    const unknown = await nodeFailure(runNode(dataCsv, { params: { path, columns: { c: 'DOUBLE' } } }));
    expect(unknown.message).toBe(`columns names "c", which ${path} does not have; its columns are: "a", "b"`);
    const badType = await nodeFailure(runNode(dataCsv, { params: { path, columns: { a: 'NUMBERS' } } }));
    expect(badType.message).toBe(
      'columns: NUMBERS is not a DuckDB type (use e.g. DOUBLE, BIGINT, VARCHAR, BOOLEAN, DATE, TIMESTAMP)',
    );
  });

  it('fails clearly on a missing file, a directory, an empty file and a file that is not UTF-8', async () => {
    const missing = await nodeFailure(runNode(dataCsv, { params: { path: 'nope.csv' }, baseDir: dir }));
    expect(missing.message).toBe(`file not found: nope.csv (${join(dir, 'nope.csv')})`);
    expect(missing.retryable).toBe(false);
    await mkdir(join(dir, 'folder.csv'));
    const folder = await nodeFailure(runNode(dataCsv, { params: { path: 'folder.csv' }, baseDir: dir }));
    expect(folder.message).toBe(`folder.csv (${join(dir, 'folder.csv')}) is a directory, not a file`);
    await writeFile(join(dir, 'empty.csv'), '');
    const empty = await nodeFailure(runNode(dataCsv, { params: { path: join(dir, 'empty.csv') } }));
    expect(empty.message).toBe(`${join(dir, 'empty.csv')} is empty`);
    await writeFile(join(dir, 'latin1.csv'), Buffer.from([0xff, 0xfe, 0x2c, 0x61, 0x0a, 0x31, 0x2c, 0x32, 0x0a]));
    const latin1 = await nodeFailure(runNode(dataCsv, { params: { path: join(dir, 'latin1.csv') } }));
    expect(latin1.message).toMatch(/latin1\.csv line 1: Invalid unicode \(byte sequence mismatch\) detected/);
  });

  it('reads a file with a header and no rows as an empty table, and says so', async () => {
    await writeFile(join(dir, 'header-only.csv'), 'a,b\n');
    const result = await runNode(dataCsv, { params: { path: join(dir, 'header-only.csv') } });
    const info = await readTableInfo(result.outputs.table.path);
    expect(info.rowCount).toBe(0);
    expect(info.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(result.logs).toContainEqual({ level: 'warn', message: `${join(dir, 'header-only.csv')} has no rows` });
    await result.cleanup();
  });
});
