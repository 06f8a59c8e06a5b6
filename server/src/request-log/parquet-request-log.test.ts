import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quoteLiteral, TableDatabase } from '@loom/tables';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InferenceLogEntry } from '../model-server/request-log-types.ts';
import { createTestApp } from '../test-fixtures/test-app.ts';
import { ParquetRequestLog, type ParquetRequestLogOptions, type RequestLogLogger } from './parquet-request-log.ts';
import { listRequestLogFiles } from './request-log-files.ts';

let home: string;
let db: TableDatabase;
const logs: ParquetRequestLog[] = [];

beforeAll(async () => {
  db = await TableDatabase.open({ threads: 1 });
});
afterAll(() => db.close());
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'loom-request-log-'));
});
afterEach(async () => {
  await Promise.all(logs.splice(0).map((log) => log.close()));
  await chmod(home, 0o755).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
});

/** A log whose flusher never fires on its own, so each test says when rows are written. */
function openLog(options: Partial<ParquetRequestLogOptions> = {}): ParquetRequestLog {
  const log = new ParquetRequestLog({ home, flushIntervalMs: 3_600_000, ...options });
  logs.push(log);
  return log;
}

function irisEntry(at: Date, overrides: Partial<InferenceLogEntry> = {}): InferenceLogEntry {
  return {
    model: 'iris',
    version: 2,
    requestId: 'req-1',
    at,
    latencyMs: 1.25,
    inputs: { sepal_length: [5.1, Number.NaN], species_hint: ['setosa', null] },
    predictions: [
      { label: 'setosa', probabilities: { setosa: 0.9, versicolor: 0.07, virginica: 0.03 } },
      { label: 'virginica', probabilities: { setosa: 0.01, versicolor: 0.19, virginica: 0.8 } },
    ],
    ...overrides,
  };
}

async function readAll(paths: string[]): Promise<Record<string, unknown>[]> {
  return db.all(`SELECT * FROM read_parquet([${paths.map(quoteLiteral).join(', ')}]) ORDER BY "at", request_id`);
}

async function columnTypes(path: string): Promise<Record<string, string>> {
  const rows = await db.all(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(path)})`);
  return Object.fromEntries(rows.map((row) => [row.column_name, row.column_type]));
}

async function metricsText(registry: Registry): Promise<string> {
  return registry.metrics();
}

describe('ParquetRequestLog', () => {
  it('writes classification rows that DuckDB reads back with their types and values', async () => {
    const log = openLog();
    const at = new Date('2026-12-07T09:15:02.123Z');
    log.record(irisEntry(at));
    const { requestId: _withoutId, ...anonymous } = irisEntry(new Date(at.getTime() + 1), {
      predictions: [{ label: 'versicolor' }],
    });
    log.record(anonymous);
    await log.flush();

    const files = await listRequestLogFiles(home, 'iris');
    expect(files).toHaveLength(1);
    const [file] = files;
    expect(file?.version).toBe(2);
    expect(file?.hour).toEqual(new Date('2026-12-07T09:00:00.000Z'));
    // The writer is named by host as well as pid: containers sharing the volume are all pid 1.
    // The file is stamped with the time it was written (now), not the hour of its requests.
    expect(file?.path).toMatch(
      new RegExp(
        `request-logs/iris/2026-12-07/09/v2-\\d{8}T\\d{9}Z-${hostname().replace(/[^A-Za-z0-9_.-]+/g, '_')}-${process.pid}-\\d{6}\\.parquet$`,
      ),
    );
    expect(await columnTypes(file?.path as string)).toEqual({
      at: 'TIMESTAMP',
      request_id: 'VARCHAR',
      model_version: 'INTEGER',
      latency_ms: 'DOUBLE',
      sepal_length: 'DOUBLE',
      species_hint: 'VARCHAR',
      prediction: 'VARCHAR',
      probabilities: 'MAP(VARCHAR, DOUBLE)',
    });
    const rows = await db.all(
      `SELECT "at", request_id, model_version, latency_ms, sepal_length, species_hint, prediction,
         map_keys(probabilities) AS classes, probabilities['virginica'] AS p_virginica
       FROM read_parquet(${quoteLiteral(file?.path as string)})`,
    );
    expect(rows).toEqual([
      {
        at,
        request_id: 'req-1',
        model_version: 2,
        latency_ms: 1.25,
        sepal_length: 5.1,
        species_hint: 'setosa',
        prediction: 'setosa',
        classes: ['setosa', 'versicolor', 'virginica'],
        p_virginica: 0.03,
      },
      {
        at,
        request_id: 'req-1',
        model_version: 2,
        latency_ms: 1.25,
        // NaN is how a missing number reaches the model: the log keeps it as NULL.
        sepal_length: null,
        species_hint: null,
        prediction: 'virginica',
        classes: ['setosa', 'versicolor', 'virginica'],
        p_virginica: 0.8,
      },
      {
        at: new Date(at.getTime() + 1),
        request_id: null,
        model_version: 2,
        latency_ms: 1.25,
        sepal_length: 5.1,
        species_hint: 'setosa',
        prediction: 'versicolor',
        classes: null,
        p_virginica: null,
      },
    ]);
    expect(log.stats()).toMatchObject({ bufferedRows: 0, writtenRows: 3 });
  });

  it('writes a regression value as a DOUBLE prediction, and renames inputs named like its own columns', async () => {
    const log = openLog();
    log.record({
      model: 'diabetes',
      version: 1,
      at: new Date('2026-12-07T10:00:00.000Z'),
      latencyMs: 0.5,
      inputs: { bmi: [31.2], prediction: [4], at: ['x'] },
      predictions: [{ value: 151.5 }],
    });
    await log.flush();
    const [file] = await listRequestLogFiles(home, 'diabetes');
    expect(await columnTypes(file?.path as string)).toMatchObject({
      bmi: 'DOUBLE',
      input_prediction: 'DOUBLE',
      input_at: 'VARCHAR',
      prediction: 'DOUBLE',
      probabilities: 'MAP(VARCHAR, DOUBLE)',
    });
    expect(await readAll([file?.path as string])).toEqual([
      {
        at: new Date('2026-12-07T10:00:00.000Z'),
        request_id: null,
        model_version: 1,
        latency_ms: 0.5,
        bmi: 31.2,
        input_prediction: 4,
        input_at: 'x',
        prediction: 151.5,
        probabilities: null,
      },
    ]);
  });

  it('keeps inputs whose names differ only in case, which DuckDB would take for one column', async () => {
    const log = openLog();
    log.record({
      model: 'cases',
      version: 1,
      at: new Date('2026-12-07T10:00:00.000Z'),
      latencyMs: 0.5,
      inputs: { Age: [31], age: [32], AT: [7], city: [4], CITY: ['Oslo'] },
      predictions: [{ value: 1 }],
    });
    // A later request with other inputs: its columns are NULL for the first, and the first's for it.
    log.record({
      model: 'cases',
      version: 1,
      at: new Date('2026-12-07T10:00:01.000Z'),
      latencyMs: 0.5,
      inputs: { age: [40], late: ['x'] },
      predictions: [{ value: 2 }],
    });
    await log.flush();
    const [file] = await listRequestLogFiles(home, 'cases');
    expect(await columnTypes(file?.path as string)).toMatchObject({
      Age: 'DOUBLE',
      input_age: 'DOUBLE',
      input_AT: 'DOUBLE',
      city: 'DOUBLE',
      input_CITY: 'VARCHAR',
      late: 'VARCHAR',
    });
    const rows = await readAll([file?.path as string]);
    expect(
      rows.map(({ Age, input_age, input_AT, city, input_CITY, late }) => ({
        Age,
        input_age,
        input_AT,
        city,
        input_CITY,
        late,
      })),
    ).toEqual([
      { Age: 31, input_age: 32, input_AT: 7, city: 4, input_CITY: 'Oslo', late: null },
      { Age: null, input_age: 40, input_AT: null, city: null, input_CITY: null, late: 'x' },
    ]);
  });

  it('writes one file per model, version and UTC hour, and lists them by hour', async () => {
    const log = openLog();
    log.record(irisEntry(new Date('2026-12-07T09:59:59.999Z')));
    log.record(irisEntry(new Date('2026-12-07T10:00:00.000Z')));
    log.record(irisEntry(new Date('2026-12-07T10:30:00.000Z'), { version: 3 }));
    log.record(irisEntry(new Date('2026-12-08T00:10:00.000Z')));
    log.record(irisEntry(new Date('2026-12-07T10:05:00.000Z'), { model: 'wine' }));
    await log.flush();

    const files = await listRequestLogFiles(home, 'iris');
    expect(files.map((f) => [f.hour.toISOString(), f.version])).toEqual([
      ['2026-12-07T09:00:00.000Z', 2],
      ['2026-12-07T10:00:00.000Z', 2],
      ['2026-12-07T10:00:00.000Z', 3],
      ['2026-12-08T00:00:00.000Z', 2],
    ]);
    expect(files[3]?.path).toContain(join('iris', '2026-12-08', '00'));
    const tenToMidnight = await listRequestLogFiles(home, 'iris', {
      from: new Date('2026-12-07T10:20:00.000Z'),
      to: new Date('2026-12-08T00:00:00.000Z'),
    });
    expect(tenToMidnight.map((f) => f.version)).toEqual([2, 3]);
    expect(await listRequestLogFiles(home, 'wine')).toHaveLength(1);
    expect(await listRequestLogFiles(home, 'never-served')).toEqual([]);
    const rows = await readAll(files.map((f) => f.path));
    expect(rows).toHaveLength(8);
  });

  it('logs each endpoint at its sample rate, whole requests at a time', async () => {
    const rates: Record<string, number> = { none: 0, all: 1, half: 0.5 };
    const log = openLog({ sampleRate: (model) => rates[model] ?? 1, maxBufferedRows: 100_000 });
    for (let i = 0; i < 2_000; i++) {
      for (const model of ['none', 'all', 'half']) log.record(irisEntry(new Date('2026-12-07T09:00:00Z'), { model }));
    }
    await log.flush();
    const count = async (model: string) =>
      (await readAll((await listRequestLogFiles(home, model)).map((f) => f.path))).length;
    expect(await listRequestLogFiles(home, 'none')).toEqual([]);
    expect(await count('all')).toBe(4_000);
    // 2,000 requests at 0.5: 1,000 ± 5 standard deviations (about 22 each), two rows per request.
    const half = await count('half');
    expect(half % 2).toBe(0);
    expect(half / 2).toBeGreaterThan(890);
    expect(half / 2).toBeLessThan(1_110);
  });

  it('drops and counts requests that would overfill the buffer, and writes the rest', async () => {
    const registry = new Registry();
    const log = openLog({ maxBufferedRows: 5, metricsRegistry: registry });
    const at = new Date('2026-12-07T09:00:00Z');
    log.record(irisEntry(at));
    log.record(irisEntry(at));
    log.record(irisEntry(at));
    log.record(irisEntry(at, { predictions: [{ label: 'setosa' }] }));
    expect(log.stats()).toMatchObject({ bufferedRows: 5, droppedRows: { buffer_full: 2 } });
    await log.flush();
    expect(log.stats()).toMatchObject({ bufferedRows: 0, writtenRows: 5 });
    const text = await metricsText(registry);
    expect(text).toContain('loom_request_log_rows_dropped_total{model="iris",reason="buffer_full"} 2');
    expect(text).toContain('loom_request_log_rows_written_total{model="iris"} 5');
    // Written rows leave room again.
    log.record(irisEntry(at));
    expect(log.stats().bufferedRows).toBe(2);
  });

  it('keeps rows being written inside the bound, and takes new ones while a write runs', async () => {
    const log = openLog({ maxBufferedRows: 4 });
    const at = new Date('2026-12-07T09:00:00Z');
    log.record(irisEntry(at));
    const writing = log.flush();
    log.record(irisEntry(at));
    log.record(irisEntry(at));
    expect(log.stats()).toMatchObject({ bufferedRows: 4, droppedRows: { buffer_full: 2 } });
    await writing;
    await log.flush();
    expect(log.stats()).toMatchObject({ bufferedRows: 0, writtenRows: 4 });
    expect(await listRequestLogFiles(home, 'iris')).toHaveLength(2);
  });

  it('writes a batch once it reaches flushRows, without waiting for the interval', async () => {
    const log = openLog({ flushRows: 4 });
    const at = new Date('2026-12-07T09:00:00Z');
    log.record(irisEntry(at));
    log.record(irisEntry(at, { model: 'wine' }));
    expect(log.stats().bufferedRows).toBe(4);
    log.record(irisEntry(at));
    await vi.waitFor(async () => expect(log.stats().writtenRows).toBe(6));
    expect((await listRequestLogFiles(home, 'iris')).length).toBe(1);
  });

  it('writes buffered rows every flushIntervalMs', async () => {
    const log = openLog({ flushIntervalMs: 20 });
    log.record(irisEntry(new Date('2026-12-07T09:00:00Z')));
    await vi.waitFor(async () => expect(await listRequestLogFiles(home, 'iris')).toHaveLength(1));
  });

  it('counts the rows of a write that fails as dropped, reports it once, and never throws into record()', async () => {
    const registry = new Registry();
    const warnings: string[] = [];
    const logger: RequestLogLogger = { warn: (_details, message) => warnings.push(message) };
    // A file where the model's folder should be: the write fails for any user, root included.
    await mkdir(join(home, 'request-logs'), { recursive: true });
    await writeFile(join(home, 'request-logs', 'iris'), 'not a folder');
    const log = openLog({ metricsRegistry: registry, logger });
    const at = new Date('2026-12-07T09:00:00Z');
    expect(() => log.record(irisEntry(at))).not.toThrow();
    await log.flush();
    log.record(irisEntry(at));
    log.record(irisEntry(at, { model: 'wine' }));
    await log.flush();
    expect(log.stats()).toMatchObject({ bufferedRows: 0, writtenRows: 2, droppedRows: { write_failed: 4 } });
    expect(await metricsText(registry)).toContain(
      'loom_request_log_rows_dropped_total{model="iris",reason="write_failed"} 4',
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not write request log rows \(.*(ENOTDIR|EEXIST)/);
  });

  it('counts rows as dropped when the home is read-only', async () => {
    await chmod(home, 0o555);
    // Root writes through file modes: as root, the log runs as `nobody` in a child process of its own.
    const asRoot = process.getuid?.() === 0;
    const here = JSON.stringify(fileURLToPath(new URL('./parquet-request-log.ts', import.meta.url)));
    const script = `
      const { ParquetRequestLog } = await import(${here});
      const warnings = [];
      const log = new ParquetRequestLog({ home: ${JSON.stringify(home)}, logger: { warn: (_d, m) => warnings.push(m) } });
      log.record({ model: 'iris', version: 1, at: new Date(), latencyMs: 1, inputs: { x: [1, 2] }, predictions: [{ value: 2 }, { value: 3 }] });
      await log.close();
      console.log(JSON.stringify({ stats: log.stats(), warnings }));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      ...(asRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: tmpdir() } } : {}),
    });
    const { stats, warnings } = JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
    expect(stats).toMatchObject({ bufferedRows: 0, writtenRows: 0, droppedRows: { write_failed: 2 } });
    expect(warnings).toEqual([expect.stringMatching(/EACCES|EROFS|permission denied/i)]);
    expect(await readdir(home)).toEqual([]);
  });

  it('leaves nothing in the hour folder when DuckDB fails to write there', async () => {
    const folder = join(home, 'request-logs', 'iris', '2026-12-07', '09');
    await mkdir(folder, { recursive: true });
    await chmod(folder, 0o555);
    // The folder exists, so the write gets as far as DuckDB's COPY, which cannot open its file there.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await chmod(home, 0o755);
    const here = JSON.stringify(fileURLToPath(new URL('./parquet-request-log.ts', import.meta.url)));
    const script = `
      const { ParquetRequestLog } = await import(${here});
      const warnings = [];
      const log = new ParquetRequestLog({ home: ${JSON.stringify(home)}, logger: { warn: (_d, m) => warnings.push(m) } });
      log.record({ model: 'iris', version: 1, at: new Date('2026-12-07T09:30:00Z'), latencyMs: 1, inputs: { x: [1] }, predictions: [{ value: 2 }] });
      await log.close();
      console.log(JSON.stringify({ stats: log.stats(), warnings }));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      ...(asRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: tmpdir() } } : {}),
    });
    const { stats, warnings } = JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
    expect(stats).toMatchObject({ bufferedRows: 0, writtenRows: 0, droppedRows: { write_failed: 1 } });
    expect(warnings).toEqual([
      expect.stringMatching(/could not write request log rows \(.*(Permission denied|EACCES)/i),
    ]);
    expect(await readdir(folder)).toEqual([]);
  });

  it('drops only the request whose probabilities are not numbers, and writes the rest of its batch', async () => {
    const warnings: string[] = [];
    const log = openLog({ logger: { warn: (_details, message) => warnings.push(message) } });
    const at = new Date('2026-12-07T09:00:00Z');
    log.record(irisEntry(at, { requestId: 'before' }));
    log.record(
      irisEntry(at, {
        requestId: 'broken',
        inputs: { sepal_length: [1], brand_new_input: [2] },
        predictions: [{ label: 'a', probabilities: { a: 'high' as unknown as number } }],
      }),
    );
    log.record(irisEntry(at, { requestId: 'after' }));
    await log.flush();
    expect(log.stats()).toMatchObject({ writtenRows: 4, droppedRows: { invalid_entry: 1, write_failed: 0 } });
    expect(warnings).toEqual([expect.stringContaining('the probability of class "a" is string, not a number')]);
    const [file] = await listRequestLogFiles(home, 'iris');
    const rows = await readAll([file?.path as string]);
    expect(rows.map((row) => row.request_id)).toEqual(['after', 'after', 'before', 'before']);
    // The refused request leaves no trace: not its values, nor the column only it had.
    expect(Object.keys(rows[0] as object)).not.toContain('brand_new_input');
    expect(rows.map((row) => row.sepal_length)).toEqual([5.1, null, 5.1, null]);
  });

  it('counts entries it cannot file as invalid, and a sampleRate that throws does not reach the caller', async () => {
    const log = openLog({
      logger: { warn: () => undefined },
      sampleRate: (model) => {
        if (model === 'broken') throw new Error('no rate for broken');
        return 1;
      },
    });
    const at = new Date('2026-12-07T09:00:00Z');
    log.record(irisEntry(at, { model: '../escape' }));
    log.record(irisEntry(at, { version: 0 }));
    log.record(irisEntry(new Date(Number.NaN)));
    expect(() => log.record(irisEntry(at, { model: 'broken' }))).not.toThrow();
    expect(log.stats()).toMatchObject({ bufferedRows: 0, droppedRows: { invalid_entry: 8 } });
  });

  it('writes what is buffered on close, and counts what is recorded after it', async () => {
    const log = openLog();
    log.record(irisEntry(new Date('2026-12-07T09:00:00Z')));
    await log.close();
    expect(await readAll((await listRequestLogFiles(home, 'iris')).map((f) => f.path))).toHaveLength(2);
    log.record(irisEntry(new Date('2026-12-07T09:00:00Z')));
    expect(log.stats()).toMatchObject({ bufferedRows: 0, droppedRows: { closed: 2 } });
    await log.close();
  });

  it('shares its counters with another log on the same registry', async () => {
    const registry = new Registry();
    const first = openLog({ metricsRegistry: registry });
    const second = openLog({ metricsRegistry: registry });
    first.record(irisEntry(new Date('2026-12-07T09:00:00Z')));
    second.record(irisEntry(new Date('2026-12-07T09:00:00Z')));
    await Promise.all([first.flush(), second.flush()]);
    expect(await metricsText(registry)).toContain('loom_request_log_rows_written_total{model="iris"} 4');
  });

  it("counts on the server's registry, so /metrics serves the counters", async () => {
    const test = await createTestApp();
    try {
      const log = new ParquetRequestLog({ home: test.home, metricsRegistry: test.app.loomMetrics.registry });
      log.record(irisEntry(new Date('2026-12-07T09:00:00Z')));
      await log.close();
      const reply = await test.app.inject({ url: '/metrics' });
      expect(reply.body).toContain('# TYPE loom_request_log_rows_written_total counter');
      expect(reply.body).toContain('loom_request_log_rows_written_total{model="iris"} 2');
      expect(reply.body).toContain('# TYPE loom_request_log_rows_dropped_total counter');
    } finally {
      await test.close();
    }
  });

  it('survives its writer thread running out of memory: the batch is counted as dropped, the next one written', async () => {
    const registry = new Registry();
    const warnings: string[] = [];
    const log = openLog({
      metricsRegistry: registry,
      maxBufferedRows: 1_000_000,
      flushRows: 1_000_000,
      // Far less heap than the batch's request ids take: the thread dies while taking the batch.
      writerHeapMb: 32,
      logger: { warn: (_details, message) => warnings.push(message) },
    });
    const at = new Date('2026-12-07T09:00:00Z');
    const padding = 'x'.repeat(150);
    const requests = 400_000;
    for (let i = 0; i < requests; i++) {
      log.record(irisEntry(at, { requestId: `${padding}-${i}`, predictions: [{ label: 'setosa' }] }));
    }
    await log.flush();
    expect(log.stats()).toMatchObject({ bufferedRows: 0, writtenRows: 0, droppedRows: { write_failed: requests } });
    expect(warnings).toEqual([expect.stringMatching(/writer thread stopped: .*memory/i)]);
    expect(await metricsText(registry)).toContain(
      `loom_request_log_rows_dropped_total{model="iris",reason="write_failed"} ${requests}`,
    );
    const folder = join(home, 'request-logs', 'iris', '2026-12-07', '09');
    expect(await readdir(folder).catch(() => [])).toEqual([]);

    log.record(irisEntry(at));
    await log.flush();
    expect(log.stats()).toMatchObject({ writtenRows: 2, droppedRows: { write_failed: requests } });
    expect(await readAll((await listRequestLogFiles(home, 'iris')).map((f) => f.path))).toHaveLength(2);
  });

  it('writes on close what was recorded while a write ran, then ends its writer thread', async () => {
    const log = openLog();
    log.record(irisEntry(new Date('2026-12-07T09:00:00Z')));
    const writing = log.flush();
    log.record(irisEntry(new Date('2026-12-07T10:00:00Z')));
    log.record(irisEntry(new Date('2026-12-07T10:00:00Z'), { model: 'wine' }));
    await log.close();
    await writing;
    expect(log.stats()).toMatchObject({ bufferedRows: 0, writtenRows: 6 });
    const files = await listRequestLogFiles(home, 'iris');
    expect(files.map((f) => f.hour.toISOString())).toEqual(['2026-12-07T09:00:00.000Z', '2026-12-07T10:00:00.000Z']);
    expect(await listRequestLogFiles(home, 'wine')).toHaveLength(1);
  });

  it('refuses options that are not positive integers, naming the option', () => {
    expect(() => new ParquetRequestLog({ home, maxBufferedRows: 0 })).toThrow(
      'ParquetRequestLog option maxBufferedRows must be a positive integer, got 0',
    );
  });
});

describe('startup cost', () => {
  it('loads DuckDB at the first write, not when the log is made or records', async () => {
    const here = (file: string) => JSON.stringify(fileURLToPath(new URL(file, import.meta.url)));
    const script = `
      const duckdb = () => process.report.getReport().sharedObjects.filter((name) => name.includes('duckdb')).length;
      const { ParquetRequestLog } = await import(${here('./parquet-request-log.ts')});
      const log = new ParquetRequestLog({ home: ${JSON.stringify(home)} });
      log.record({ model: 'iris', version: 1, at: new Date(), latencyMs: 1, inputs: { x: [1] }, predictions: [{ value: 2 }] });
      const before = duckdb();
      await log.close();
      console.log(JSON.stringify({ before, after: duckdb(), written: log.stats().writtenRows }));`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    const { before, after, written } = JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0);
    expect(written).toBe(1);
  });
});

describe('listRequestLogFiles', () => {
  it('skips files being written and anything else in the folders', async () => {
    const folder = join(home, 'request-logs', 'iris', '2026-12-07', '09');
    await mkdir(folder, { recursive: true });
    await mkdir(join(home, 'request-logs', 'iris', 'notes'), { recursive: true });
    await writeFile(join(folder, '.v1-20261207T090000000Z-1-000001.parquet.tmp'), '');
    await writeFile(join(folder, 'README.txt'), '');
    await writeFile(join(folder, 'v1-20261207T090000000Z-1-000002.parquet'), '');
    const files = await listRequestLogFiles(home, 'iris');
    expect(files.map((f) => f.path)).toEqual([join(folder, 'v1-20261207T090000000Z-1-000002.parquet')]);
  });

  it('refuses a model name that is not one, so it cannot read outside the log folder', async () => {
    await expect(listRequestLogFiles(home, '../etc')).rejects.toThrow('model name "../etc" is invalid');
  });
});
