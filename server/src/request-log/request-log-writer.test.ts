import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteLiteral, TableDatabase } from '@loom/tables';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RequestLogBatchBuilder } from './request-log-batch.ts';
import { RequestLogWriterThread } from './request-log-writer.ts';

/*
 * The writer thread on its own: a real worker thread running DuckDB, writing real Parquet files.
 */

let dir: string;
let db: TableDatabase;
const writers: RequestLogWriterThread[] = [];

beforeAll(async () => {
  db = await TableDatabase.open({ threads: 1 });
});
afterAll(() => db.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-request-log-writer-'));
});
afterEach(async () => {
  await Promise.all(writers.splice(0).map((writer) => writer.close()));
  await rm(dir, { recursive: true, force: true });
});

function openWriter(heapMb?: number): RequestLogWriterThread {
  const writer = new RequestLogWriterThread(heapMb === undefined ? {} : { heapMb });
  writers.push(writer);
  return writer;
}

/** A batch of `requests` one-row requests of model `m` version 1, each with request id `<prefix><i>`. */
function batchOf(requests: number, prefix = 'r-') {
  const builder = new RequestLogBatchBuilder('m', 1, Date.UTC(2026, 11, 7, 9));
  for (let i = 0; i < requests; i++) {
    builder.add({
      model: 'm',
      version: 1,
      requestId: `${prefix}${i}`,
      at: new Date(Date.UTC(2026, 11, 7, 9, 0, 0, i)),
      latencyMs: 1,
      inputs: { x: [i] },
      predictions: [{ label: i % 2 === 0 ? 'even' : 'odd', probabilities: { even: 0.5, odd: 0.5 } }],
    });
  }
  return builder.finish();
}

async function rowsOf(path: string): Promise<Record<string, unknown>[]> {
  return db.all(`SELECT request_id, x, prediction FROM read_parquet(${quoteLiteral(path)})`);
}

describe('RequestLogWriterThread', () => {
  it('writes a batch to its file in the thread, taking the batch’s buffers rather than copying them', async () => {
    const writer = openWriter();
    const { batch, transfer } = batchOf(3);
    const folder = join(dir, 'm', '2026-12-07', '09');
    expect(await writer.write(batch, transfer, folder, 'v1-a.parquet')).toBe(3);
    // Transferred: the views this side are empty now.
    expect(batch.at.length).toBe(0);
    expect(await readdir(folder)).toEqual(['v1-a.parquet']);
    expect(await rowsOf(join(folder, 'v1-a.parquet'))).toEqual([
      { request_id: 'r-0', x: 0, prediction: 'even' },
      { request_id: 'r-1', x: 1, prediction: 'odd' },
      { request_id: 'r-2', x: 2, prediction: 'even' },
    ]);
    expect(writer.stoppedThreads).toBe(0);
  });

  it('rejects a failed write with its error code, and writes the next one on the same thread', async () => {
    const writer = openWriter();
    // A file where the folder should be: the thread cannot make the folder.
    await writeFile(join(dir, 'blocked'), '');
    const first = batchOf(1);
    await expect(writer.write(first.batch, first.transfer, join(dir, 'blocked', '09'), 'v1.parquet')).rejects.toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
    const next = batchOf(2);
    expect(await writer.write(next.batch, next.transfer, dir, 'v1-b.parquet')).toBe(2);
    expect(writer.stoppedThreads).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['blocked', 'v1-b.parquet']);
  });

  it('fails the writes of a thread that dies, leaving no file, and starts a new thread for the next', async () => {
    // 400,000 request ids of ~150 characters: far more than a 32 MB heap takes in.
    const writer = openWriter(32);
    const big = batchOf(400_000, `${'x'.repeat(150)}-`);
    const small = batchOf(1);
    const lost = await Promise.allSettled([
      writer.write(big.batch, big.transfer, dir, 'v1-big.parquet'),
      // Sent to the same thread behind the big one: it is lost with it.
      writer.write(small.batch, small.transfer, dir, 'v1-behind.parquet'),
    ]);
    expect(lost.map((write) => write.status)).toEqual(['rejected', 'rejected']);
    for (const write of lost) {
      expect((write as PromiseRejectedResult).reason).toMatchObject({
        message: expect.stringMatching(/request log's writer thread stopped: .*memory/i),
        code: 'ERR_WORKER_OUT_OF_MEMORY',
      });
    }
    expect(writer.stoppedThreads).toBe(1);
    expect(await readdir(dir)).toEqual([]);

    const after = batchOf(2);
    expect(await writer.write(after.batch, after.transfer, dir, 'v1-after.parquet')).toBe(2);
    expect(await readdir(dir)).toEqual(['v1-after.parquet']);
  });

  it('closes once the writes sent before are done, and closes at once when it never started', async () => {
    await openWriter().close();
    const writer = openWriter();
    const writes = [0, 1, 2].map((i) => {
      const { batch, transfer } = batchOf(10 + i);
      return writer.write(batch, transfer, dir, `v1-${i}.parquet`);
    });
    await writer.close();
    expect(await Promise.all(writes)).toEqual([10, 11, 12]);
    expect((await readdir(dir)).sort()).toEqual(['v1-0.parquet', 'v1-1.parquet', 'v1-2.parquet']);
    // Closing is not stopping: no thread counts as stopped.
    expect(writer.stoppedThreads).toBe(0);
  });
});
