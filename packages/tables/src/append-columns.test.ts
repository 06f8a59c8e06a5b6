import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendColumns } from './append-columns.ts';
import { TableDatabase } from './database.ts';

let db: TableDatabase;

beforeAll(async () => {
  db = await TableDatabase.open({ threads: 1 });
});
afterAll(() => db.close());

describe('appendColumns', () => {
  it('appends typed-array columns over several chunks, NaN and negative codes as NULL', async () => {
    await db.run('CREATE TABLE appended (x DOUBLE, n INTEGER, city VARCHAR)');
    const rows = 5_000;
    const x = Float64Array.from({ length: rows + 7 }, (_, i) => (i % 1_000 === 999 ? Number.NaN : i / 4));
    const n = Int32Array.from({ length: rows }, (_, i) => i - 2);
    const codes = Int32Array.from({ length: rows }, (_, i) => (i % 3 === 2 ? -1 : i % 3));
    await appendColumns(db, 'appended', rows, [
      { type: 'DOUBLE', values: x },
      { type: 'INTEGER', values: n },
      { type: 'VARCHAR', codes, dictionary: ['Oslo', 'Lima'] },
    ]);
    const [summary] = await db.all(
      `SELECT count(*) AS rows, count(x) AS xs, sum(x) AS sum_x, min(n) AS min_n, max(n) AS max_n,
         count(city) AS cities, count(*) FILTER (city = 'Lima') AS lima FROM appended`,
    );
    let expectedSum = 0;
    for (let i = 0; i < rows; i++) if (!Number.isNaN(x[i] as number)) expectedSum += x[i] as number;
    expect(summary).toEqual({
      rows,
      xs: rows - 5,
      sum_x: expectedSum,
      min_n: -2,
      max_n: rows - 3,
      cities: rows - Math.floor(rows / 3),
      lima: Math.ceil((rows - 1) / 3),
    });
    // Rows keep their order and values across the chunk boundary at 2,048.
    expect(await db.all('SELECT x, n, city FROM appended LIMIT 4 OFFSET 2046')).toEqual([
      { x: 2046 / 4, n: 2044, city: 'Oslo' },
      { x: 2047 / 4, n: 2045, city: 'Lima' },
      { x: 2048 / 4, n: 2046, city: null },
      { x: 2049 / 4, n: 2047, city: 'Oslo' },
    ]);
    expect(await db.all('SELECT x FROM appended WHERE n = 997')).toEqual([{ x: null }]);
  });

  it('appends maps whose keys come from key lists, long keys and NULLs included, across chunks', async () => {
    await db.run('CREATE TABLE maps (n INTEGER, m MAP(VARCHAR, DOUBLE))');
    const keyLists = [['setosa', 'versicolor', 'virginica'], ['a class name longer than twelve bytes', 'b'], []];
    const rows = 3_000;
    const keyList = Int32Array.from({ length: rows }, (_, i) =>
      i % 5 === 4 ? -1 : i % 5 === 3 ? 1 : i % 5 === 2 ? 2 : 0,
    );
    const values: number[] = [];
    for (let i = 0; i < rows; i++) {
      const list = keyList[i] as number;
      if (list < 0) continue;
      (keyLists[list] as string[]).forEach((_, k) => {
        values.push(i === 10 && k === 1 ? Number.NaN : i + k / 10);
      });
    }
    await appendColumns(db, 'maps', rows, [
      { type: 'INTEGER', values: Int32Array.from({ length: rows }, (_, i) => i) },
      { type: 'MAP(VARCHAR, DOUBLE)', keyLists, keyList, values: Float64Array.from(values) },
    ]);
    const picked = await db.all(
      'SELECT n, map_keys(m) AS keys, map_values(m) AS vals FROM maps WHERE n IN (0, 2, 3, 4, 10, 2047, 2048, 2999) ORDER BY n',
    );
    expect(picked).toEqual([
      { n: 0, keys: keyLists[0], vals: [0, 0.1, 0.2] },
      { n: 2, keys: [], vals: [] },
      { n: 3, keys: keyLists[1], vals: [3, 3.1] },
      { n: 4, keys: null, vals: null },
      { n: 10, keys: keyLists[0], vals: [10, null, 10.2] },
      { n: 2047, keys: [], vals: [] },
      { n: 2048, keys: keyLists[1], vals: [2048, 2048.1] },
      { n: 2999, keys: null, vals: null },
    ]);
    expect(await db.all("SELECT sum(m['setosa']) AS s, count(m) AS maps FROM maps")).toEqual([
      {
        s: Array.from({ length: rows }, (_, i) => i)
          .filter((i) => i % 5 < 2)
          .reduce((a, b) => a + b, 0),
        maps: 2_400,
      },
    ]);
  });

  it('refuses a column shorter than the rows, and a code past its dictionary', async () => {
    await db.run('CREATE TABLE refused (x DOUBLE, city VARCHAR)');
    await expect(
      appendColumns(db, 'refused', 3, [
        { type: 'DOUBLE', values: new Float64Array(2) },
        { type: 'VARCHAR', codes: new Int32Array(3), dictionary: ['a'] },
      ]),
    ).rejects.toThrow('a DOUBLE column has 2 values, fewer than the 3 rows');
    await expect(
      appendColumns(db, 'refused', 1, [
        { type: 'DOUBLE', values: new Float64Array(1) },
        { type: 'VARCHAR', codes: Int32Array.of(4), dictionary: ['a'] },
      ]),
    ).rejects.toThrow("code 4 is past the dictionary's 1 strings");
    expect(await db.all('SELECT count(*) AS n FROM refused')).toEqual([{ n: 0 }]);
  });
});
