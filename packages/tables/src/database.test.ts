import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TableDatabase } from './database.ts';

describe('TableDatabase', () => {
  it('runs statements and returns rows, with safe BIGINTs as numbers and huge ones as bigints', async () => {
    const db = await TableDatabase.open();
    try {
      await db.run('CREATE TABLE t AS SELECT range AS i FROM range(5)');
      expect(await db.all('SELECT count(*) AS n, sum(i) AS s FROM t')).toEqual([{ n: 5, s: 10 }]);
      const [row] = await db.all("SELECT 9007199254740993::BIGINT AS big, 1.5::DOUBLE AS d, 'x' AS s, NULL AS z");
      expect(row).toEqual({ big: 9007199254740993n, d: 1.5, s: 'x', z: null });
    } finally {
      db.close();
    }
  });

  it('applies the memory limit, threads and spill folder it was given', async () => {
    const spill = await mkdtemp(join(tmpdir(), 'loom-spill-'));
    const db = await TableDatabase.open({ memoryLimit: '100MB', threads: 1, tempDirectory: spill });
    try {
      const [row] = await db.all(
        "SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t, current_setting('temp_directory') AS d",
      );
      expect(row).toEqual({ m: '95.3 MiB', t: 1, d: spill });
    } finally {
      db.close();
    }
    // A folder the caller gave is the caller's to remove.
    expect(existsSync(spill)).toBe(true);
    await rm(spill, { recursive: true });
  });

  it('spills a sort larger than its memory limit instead of failing, then removes its own spill folder', async () => {
    const db = await TableDatabase.open({ memoryLimit: '64MB', threads: 1 });
    const [row] = await db.all("SELECT current_setting('temp_directory') AS d");
    const spill = String(row?.d);
    expect(existsSync(spill)).toBe(true);
    const sorted = await db.all(
      'SELECT count(*) AS n FROM (SELECT range AS i, md5(range::VARCHAR) || md5((range + 1)::VARCHAR) AS s FROM range(2000000) ORDER BY s)',
    );
    expect(sorted).toEqual([{ n: 2_000_000 }]);
    db.close();
    db.close();
    expect(existsSync(spill)).toBe(false);
  });

  it('interrupts a running query when its signal aborts, and reports the abort reason', async () => {
    const controller = new AbortController();
    const db = await TableDatabase.open({ signal: controller.signal });
    try {
      const started = Date.now();
      setTimeout(() => controller.abort(new Error('cancelled by the user')), 100);
      await expect(db.all('SELECT count(*) FROM range(100000000000)')).rejects.toThrow('cancelled by the user');
      expect(Date.now() - started).toBeLessThan(5000);
      await expect(db.run('SELECT 1')).rejects.toThrow('cancelled by the user');
    } finally {
      db.close();
    }
  });

  it('refuses to open with an aborted signal, and refuses queries once closed', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(TableDatabase.open({ signal: controller.signal })).rejects.toThrow('too late');
    const db = await TableDatabase.open();
    db.close();
    await expect(db.all('SELECT 1')).rejects.toThrow('closed');
  });

  it('creates an integer table from JavaScript values, in order', async () => {
    const db = await TableDatabase.open();
    try {
      const values = Int32Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 200_000);
      const started = performance.now();
      await db.createIntegerTable('picked rows', 'row', values);
      const elapsed = performance.now() - started;
      expect(
        await db.all('SELECT count(*) AS n, sum("row") AS s, min("row") AS lo, max("row") AS hi FROM "picked rows"'),
      ).toEqual([{ n: 200_000, s: (199_999 * 200_000) / 2, lo: 0, hi: 199_999 }]);
      expect(await db.all('SELECT "row" FROM "picked rows" LIMIT 3')).toEqual([
        { row: 0 },
        { row: 7919 },
        { row: 15838 },
      ]);
      expect(elapsed).toBeLessThan(5000);
    } finally {
      db.close();
    }
  });

  it('reports DuckDB errors as they are', async () => {
    const db = await TableDatabase.open();
    try {
      await expect(db.run('SELEC 1')).rejects.toThrow(/syntax error/);
      // The connection stays usable after a failed statement.
      expect(await db.all('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    } finally {
      db.close();
    }
  });
});
