import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceLineage } from '@loom/ml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableDatabase } from './database.ts';
import { readColumns, type TableColumn } from './read-columns.ts';
import { writeTableFromQuery } from './write-table.ts';

let dir: string;
let db: TableDatabase;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-read-columns-'));
  db = await TableDatabase.open();
});
afterAll(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

async function table(select: string): Promise<string> {
  const path = join(dir, `t${counter++}.parquet`);
  await writeTableFromQuery(db, select, path, sourceLineage([]));
  return path;
}

function numbers(column: TableColumn | undefined): { values: number[]; nullCount: number } {
  if (column?.kind !== 'number') throw new Error(`expected a number column, got ${column?.kind}`);
  return { values: Array.from(column.values), nullCount: column.nullCount };
}

function strings(column: TableColumn | undefined): { values: Array<string | null>; nullCount: number } {
  if (column?.kind !== 'string') throw new Error(`expected a string column, got ${column?.kind}`);
  return { values: column.values, nullCount: column.nullCount };
}

describe('readColumns', () => {
  it('reads every numeric type as float64 with NULL as NaN, booleans as 0/1, strings with null', async () => {
    const path = await table(`
      SELECT * FROM (VALUES
        (1::TINYINT, 300::SMALLINT, -7::INTEGER, 9007199254740991::BIGINT, 5::UBIGINT, 1.25::DECIMAL(10,2), 0.5::FLOAT, 1e300::DOUBLE, true, 'a', 12::HUGEINT),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'NaN'::DOUBLE, false, NULL, NULL),
        (-1, 0, 2147483647, -9007199254740991, 0, -99999999.99, -0.25, -2.0, NULL, 'é "x"', -12)
      ) t(i8, i16, i32, i64, u64, dec, f32, f64, flag, s, huge)`);
    const names = ['i8', 'i16', 'i32', 'i64', 'u64', 'dec', 'f32', 'f64', 'flag', 's', 'huge'];
    const { rowCount, columns } = await readColumns(path, names);
    expect(rowCount).toBe(3);
    expect([...columns.keys()]).toEqual(names);
    expect(numbers(columns.get('i8'))).toEqual({ values: [1, Number.NaN, -1], nullCount: 1 });
    expect(numbers(columns.get('i16')).values).toEqual([300, Number.NaN, 0]);
    expect(numbers(columns.get('i32')).values).toEqual([-7, Number.NaN, 2147483647]);
    expect(numbers(columns.get('i64')).values).toEqual([9007199254740991, Number.NaN, -9007199254740991]);
    expect(numbers(columns.get('u64')).values).toEqual([5, Number.NaN, 0]);
    expect(numbers(columns.get('dec')).values).toEqual([1.25, Number.NaN, -99999999.99]);
    expect(numbers(columns.get('f32')).values).toEqual([0.5, Number.NaN, -0.25]);
    // A NaN stored in the table counts as missing too: trainers cannot tell it from NULL.
    expect(numbers(columns.get('f64'))).toEqual({ values: [1e300, Number.NaN, -2], nullCount: 1 });
    expect(numbers(columns.get('flag'))).toEqual({ values: [1, 0, Number.NaN], nullCount: 1 });
    expect(strings(columns.get('s'))).toEqual({ values: ['a', null, 'é "x"'], nullCount: 1 });
    expect(numbers(columns.get('huge')).values).toEqual([12, Number.NaN, -12]);
  });

  it('keeps the order asked for, not the table order, and reads a repeated name once', async () => {
    const path = await table('SELECT 1 AS a, 2 AS b, 3 AS c');
    const { columns } = await readColumns(path, ['c', 'a', 'c']);
    expect([...columns.keys()]).toEqual(['c', 'a']);
    expect(numbers(columns.get('c')).values).toEqual([3]);
  });

  it('moves a table spanning many chunks and row groups intact, NULLs where they were', async () => {
    const n = 300_007;
    const path = await table(`
      SELECT CASE WHEN range % 7 = 3 THEN NULL ELSE range * 0.5 END AS x,
             range::INTEGER AS i,
             CASE WHEN range % 1000 = 0 THEN NULL ELSE 'r' || (range % 13) END AS s
      FROM range(${n})`);
    const { rowCount, columns } = await readColumns(path, ['x', 'i', 's']);
    expect(rowCount).toBe(n);
    const x = numbers(columns.get('x'));
    const i = columns.get('i') as Extract<TableColumn, { kind: 'number' }>;
    const s = strings(columns.get('s'));
    let nulls = 0;
    for (let r = 0; r < n; r++) {
      if (r % 7 === 3) {
        nulls++;
        if (!Number.isNaN(x.values[r])) throw new Error(`row ${r}: expected NaN, got ${x.values[r]}`);
      } else if (x.values[r] !== r * 0.5) throw new Error(`row ${r}: expected ${r * 0.5}, got ${x.values[r]}`);
      if (i.values[r] !== r) throw new Error(`row ${r}: i is ${i.values[r]}`);
      const expected = r % 1000 === 0 ? null : `r${r % 13}`;
      if (s.values[r] !== expected) throw new Error(`row ${r}: s is ${s.values[r]}, expected ${expected}`);
    }
    expect(x.nullCount).toBe(nulls);
    expect(i.nullCount).toBe(0);
    expect(s.nullCount).toBe(Math.ceil(n / 1000));
    expect(i.values).toBeInstanceOf(Float64Array);
  });

  it('reads an empty table as empty columns, and no columns at all when none are asked for', async () => {
    const path = await table("SELECT 1.5 AS x, 'a' AS s WHERE false");
    const { rowCount, columns } = await readColumns(path, ['x', 's']);
    expect(rowCount).toBe(0);
    expect(numbers(columns.get('x'))).toEqual({ values: [], nullCount: 0 });
    expect(strings(columns.get('s'))).toEqual({ values: [], nullCount: 0 });
    const none = await readColumns(path, []);
    expect(none.rowCount).toBe(0);
    expect(none.columns.size).toBe(0);
  });

  it('names an unknown column and lists the ones there are', async () => {
    const path = await table('SELECT 1 AS age, 2 AS "weird ""name"""');
    await expect(readColumns(path, ['age', 'agee'])).rejects.toThrow(
      `column "agee" is not in the table ${path}; its columns are: "age", "weird \\"name\\""`,
    );
  });

  it('refuses a column that is neither number nor text, naming its type', async () => {
    const path = await table("SELECT DATE '2024-01-01' AS day, [1, 2] AS list");
    await expect(readColumns(path, ['day'])).rejects.toThrow('column "day" is DATE');
    await expect(readColumns(path, ['list'])).rejects.toThrow('column "list" is INTEGER[]');
  });

  it('stops when its signal is aborted, before or while it reads', async () => {
    const path = await table('SELECT range * 1.0 AS x FROM range(1000000)');
    const before = new AbortController();
    before.abort(new Error('stop'));
    await expect(readColumns(path, ['x'], { signal: before.signal })).rejects.toThrow('stop');
    const during = new AbortController();
    const reading = readColumns(path, ['x'], { signal: during.signal });
    during.abort(new Error('stopped while reading'));
    await expect(reading).rejects.toThrow('stopped while reading');
  });

  it('fails clearly on a file that is not Parquet', async () => {
    await expect(readColumns(join(dir, 'missing.parquet'), ['x'])).rejects.toThrow(/missing\.parquet/);
  });
});
