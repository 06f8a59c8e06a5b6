import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';
import { formatOfFile } from './data-columns.ts';

let test: TestApp;
let first: string;
let second: string;
let outside: string;
beforeAll(async () => {
  first = await mkdtemp(join(tmpdir(), 'loom-columns-a-'));
  second = await mkdtemp(join(tmpdir(), 'loom-columns-b-'));
  outside = await mkdtemp(join(tmpdir(), 'loom-columns-out-'));
  await mkdir(join(first, 'iris'));
  await writeFile(join(first, 'iris', 'iris.csv'), 'sepal_length,species\n5.1,setosa\n4.9,setosa\n');
  await writeFile(join(second, 'semi.csv'), 'a;b;c\n1;x;2\n');
  await writeFile(join(second, 'rows.jsonl'), '{"id": 1, "name": "a"}\n{"id": 2, "name": "b"}\n');
  await writeFile(join(second, 'broken.parquet'), 'not parquet');
  await writeFile(join(outside, 'secret.csv'), 'password\nhunter2\n');
  test = await createTestApp({ dataRoots: [first, second] });
});
afterAll(async () => {
  await test.close();
  for (const dir of [first, second, outside]) await rm(dir, { recursive: true, force: true });
});

const columnsOf = (query: Record<string, string>) =>
  test.app.inject({ url: `/api/data-files/columns?${new URLSearchParams(query)}` });

describe('GET /api/data-files/columns', () => {
  it('reads a CSV header relative to the first data folder, with DuckDB types', async () => {
    const reply = await columnsOf({ path: 'iris/iris.csv' });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({
      path: join(first, 'iris', 'iris.csv'),
      columns: [
        { name: 'sepal_length', type: 'DOUBLE', kind: 'number' },
        { name: 'species', type: 'VARCHAR', kind: 'string' },
      ],
    });
  });

  it('looks in the later data folders too, and takes a delimiter', async () => {
    const reply = await columnsOf({ path: 'semi.csv', delimiter: ';' });
    expect(reply.json().columns.map((column: { name: string }) => column.name)).toEqual(['a', 'b', 'c']);
    const json = await columnsOf({ path: 'rows.jsonl' });
    expect(json.json().columns.map((column: { name: string }) => column.name)).toEqual(['id', 'name']);
  });

  it('answers 404 naming where it looked for a missing file', async () => {
    const reply = await columnsOf({ path: 'nope.csv' });
    expect(reply.statusCode).toBe(404);
    expect(reply.json().message).toContain(join(second, 'nope.csv'));
  });

  it('refuses a file outside the data folders, and one that is not a data file', async () => {
    const escaped = await columnsOf({ path: join(outside, 'secret.csv') });
    expect(escaped.statusCode).toBe(400);
    expect(escaped.json().message).toMatch(/outside the data folders/);
    const climbing = await columnsOf({ path: `../${outside.split('/').pop()}/secret.csv` });
    expect(climbing.statusCode).toBe(400);
    const source = await columnsOf({ path: 'index.ts' });
    expect(source.statusCode).toBe(400);
    expect(source.json().message).toMatch(/not a data file/);
  });

  it('says which file it cannot read, and as what', async () => {
    const reply = await columnsOf({ path: 'broken.parquet' });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().message).toContain(`cannot read the columns of ${join(second, 'broken.parquet')} as parquet`);
  });
});

describe('formatOfFile', () => {
  it.each([
    ['a.csv', 'csv'],
    ['a.TSV.gz', 'csv'],
    ['a.parquet', 'parquet'],
    ['a.ndjson.zst', 'json'],
    ['a.txt', undefined],
  ])('%s is read as %s', (name, format) => expect(formatOfFile(name)).toBe(format));
});
