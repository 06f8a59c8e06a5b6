import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { irisExample, type TrainedExample } from '@loom/serving/testing';
import { quoteLiteral, TableDatabase } from '@loom/tables';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParquetRequestLog } from '../request-log/parquet-request-log.ts';
import { listRequestLogFiles } from '../request-log/request-log-files.ts';
import { createTestApp, type TestApp } from '../test-fixtures/test-app.ts';

/*
 * The model server and its Parquet request log together, on a real iris model in a real inference
 * pool and a real writer thread: closing the server loses no row, and a writer thread that dies costs
 * the log its rows, never the endpoint its answers.
 */

let iris: TrainedExample;
let db: TableDatabase;

beforeAll(async () => {
  iris = await irisExample();
  db = await TableDatabase.open({ threads: 1 });
});
afterAll(() => db.close());

function irisRows(count: number): Array<Record<string, number>> {
  return Array.from({ length: count }, (_, r) =>
    Object.fromEntries(Object.entries(iris.columns).map(([name, values]) => [name, values[r % iris.rows] as number])),
  );
}

async function deployIris(test: TestApp): Promise<void> {
  const { sha256 } = await test.app.artifacts.put(iris.onnx);
  const reply = await test.app.inject({
    method: 'POST',
    url: '/api/models/iris/deployments',
    payload: { onnx: sha256, alias: 'production' },
  });
  expect(reply.statusCode, reply.body).toBe(201);
}

function infer(test: TestApp, id: string, rows: Array<Record<string, number>>) {
  return test.app.inject({ method: 'POST', url: '/v2/models/iris/infer', payload: { id, rows } });
}

describe('the model server with its request log', () => {
  it('writes every answered row when the server closes, a write under way included', async () => {
    const test = await createTestApp({ modelServer: { threads: 1, pollIntervalMs: 0 } });
    try {
      await deployIris(test);
      // 5 × 500 rows: the log starts a write at 2,000 rows, and the last request comes while it runs.
      const rows = irisRows(500);
      const replies = await Promise.all([0, 1, 2, 3, 4].map((i) => infer(test, `close-${i}`, rows)));
      expect(replies.map((reply) => reply.statusCode)).toEqual([200, 200, 200, 200, 200]);
      await test.app.close();

      // The 2,000 rows whose write had begun, and the 500 that came after it.
      const files = await listRequestLogFiles(test.home, 'iris');
      expect(files).toHaveLength(2);
      const [counts] = await db.all(
        `SELECT count(*) AS rows, count(DISTINCT request_id) AS requests
         FROM read_parquet([${files.map((file) => quoteLiteral(file.path)).join(', ')}])`,
      );
      expect(counts).toEqual({ rows: 2_500, requests: 5 });
    } finally {
      await test.close();
    }
  });

  it('counts the rows of a writer thread that died as dropped, and goes on answering and logging', async () => {
    const registry = new Registry();
    const warnings: string[] = [];
    // The log's own home: the app is given the log, not where it writes.
    const home = await mkdtemp(join(tmpdir(), 'loom-request-log-'));
    const requestLog = new ParquetRequestLog({
      home,
      metricsRegistry: registry,
      flushIntervalMs: 3_600_000,
      flushRows: 1_000_000,
      maxBufferedRows: 1_000_000,
      // A heap far smaller than the buffered request ids: the thread dies taking them in.
      writerHeapMb: 16,
      logger: { warn: (_details, message) => warnings.push(message) },
    });
    const test = await createTestApp({ modelServer: { threads: 1, pollIntervalMs: 0, requestLog } });
    try {
      await deployIris(test);
      const row = irisRows(1);
      // 4,000 requests with 8 KB ids: about 32 MB of strings.
      const padding = 'x'.repeat(8_000);
      for (let start = 0; start < 4_000; start += 100) {
        const replies = await Promise.all(
          Array.from({ length: 100 }, (_, i) => infer(test, `${padding}-${start + i}`, row)),
        );
        expect(replies.every((reply) => reply.statusCode === 200)).toBe(true);
      }
      await requestLog.flush();
      expect(requestLog.stats()).toMatchObject({ writtenRows: 0, droppedRows: { write_failed: 4_000 } });
      expect(await registry.metrics()).toContain(
        'loom_request_log_rows_dropped_total{model="iris",reason="write_failed"} 4000',
      );
      expect(await listRequestLogFiles(home, 'iris')).toEqual([]);
      expect(warnings).toEqual([expect.stringMatching(/writer thread stopped: .*memory/i)]);

      // The endpoint answered throughout, and answers now; the log writes again with a new thread.
      expect((await infer(test, 'after', row)).statusCode).toBe(200);
      await requestLog.flush();
      expect(requestLog.stats()).toMatchObject({ writtenRows: 1, droppedRows: { write_failed: 4_000 } });
      expect(await listRequestLogFiles(home, 'iris')).toHaveLength(1);
    } finally {
      await requestLog.close();
      await test.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
