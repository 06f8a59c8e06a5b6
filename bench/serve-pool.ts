import { availableParallelism } from 'node:os';
import { InferencePool, type InferencePoolOptions, type Tensors } from '@loom/serving';
import { irisExample, numberFeeds, type TrainedExample } from '@loom/serving/testing';
import * as ort from 'onnxruntime-node';
import type { BenchResult } from './bench-result.ts';

const SINGLE_ROW_REQUESTS = 20_000;
const BATCH_ROWS = 1_000;
const BATCH_REQUESTS = 400;
/** Concurrent single-row requests, as the HTTP bench's 50 connections would make them. */
const CONCURRENCY = 50;

interface Measured {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Feeds of `rows` iris rows starting at request `i`'s place in the data set. */
function feedsFor(iris: TrainedExample, i: number, rows: number): Tensors {
  if (rows >= iris.rows) {
    // More rows than the data set: repeat it.
    const columns = Object.fromEntries(
      Object.entries(iris.columns).map(([name, values]) => [
        name,
        Float64Array.from({ length: rows }, (_, r) => values[(i + r) % iris.rows] as number),
      ]),
    );
    return numberFeeds(columns, 0, rows);
  }
  const start = i % (iris.rows - rows);
  return numberFeeds(iris.columns, start, start + rows);
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

/** `session.run` on this thread, one request after another: the fastest a single caller gets. */
async function bareLoop(iris: TrainedExample, rows: number, requests: number): Promise<Measured> {
  const session = await ort.InferenceSession.create(iris.onnx);
  const latencies = new Float64Array(requests);
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const begin = performance.now();
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feedsFor(iris, i, rows)))
      feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    await session.run(feeds);
    latencies[i] = performance.now() - begin;
  }
  const seconds = (performance.now() - started) / 1000;
  await session.release();
  latencies.sort();
  return { perSecond: requests / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
}

/** Requests through an InferencePool, `concurrency` of them in flight at any time. */
async function poolLoad(
  iris: TrainedExample,
  options: InferencePoolOptions,
  rows: number,
  requests: number,
  concurrency: number,
): Promise<Measured> {
  const pool = new InferencePool(options);
  try {
    await pool.load('iris', iris.onnx);
    // Warm the message path too, as a server would be by its first requests.
    await Promise.all(Array.from({ length: concurrency }, (_, i) => pool.infer('iris', feedsFor(iris, i, rows))));
    const latencies = new Float64Array(requests);
    let next = 0;
    const started = performance.now();
    const client = async () => {
      while (next < requests) {
        const i = next++;
        const begin = performance.now();
        await pool.infer('iris', feedsFor(iris, i, rows));
        latencies[i] = performance.now() - begin;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, client));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort();
    return { perSecond: requests / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
  } finally {
    await pool.close();
  }
}

const ms = (value: number) => value.toFixed(3);
const count = (value: number) => Math.round(value).toLocaleString('en');

/**
 * `pnpm bench serve-pool`: the iris model through the InferencePool beside a bare `session.run` loop,
 * single rows at 50 in flight (with and without batching what queued) and 1,000-row requests.
 */
export async function benchServePool(): Promise<BenchResult> {
  const iris = await irisExample();
  const size = availableParallelism();
  const rows: string[][] = [['case', 'requests/s', 'rows/s', 'p50 ms', 'p99 ms']];
  const figures: BenchResult['figures'] = { threads: size, concurrency: CONCURRENCY };
  const report = (label: string, name: string, rowsPerRequest: number, m: Measured) => {
    rows.push([label, count(m.perSecond), count(m.perSecond * rowsPerRequest), ms(m.p50Ms), ms(m.p99Ms)]);
    figures[`${name}RequestsPerSecond`] = Math.round(m.perSecond);
    figures[`${name}RowsPerSecond`] = Math.round(m.perSecond * rowsPerRequest);
    figures[`${name}P99Ms`] = Number(m.p99Ms.toFixed(3));
  };

  report('bare session.run, 1 row', 'bareSingle', 1, await bareLoop(iris, 1, SINGLE_ROW_REQUESTS));
  report(
    `pool (${size} threads), 1 row, ${CONCURRENCY} in flight, no batching`,
    'poolSingleUnbatched',
    1,
    await poolLoad(iris, { size, batchRows: 1 }, 1, SINGLE_ROW_REQUESTS, CONCURRENCY),
  );
  report(
    '  batching what queued (the default, up to 64 rows)',
    'poolSingle',
    1,
    await poolLoad(iris, { size }, 1, SINGLE_ROW_REQUESTS, CONCURRENCY),
  );
  const bareBatch = await bareLoop(iris, BATCH_ROWS, BATCH_REQUESTS);
  report(`bare session.run, ${BATCH_ROWS} rows`, 'bareBatch', BATCH_ROWS, bareBatch);
  const poolBatch = await poolLoad(iris, { size }, BATCH_ROWS, BATCH_REQUESTS, size * 2);
  report(`pool, ${BATCH_ROWS} rows, ${size * 2} in flight`, 'poolBatch', BATCH_ROWS, poolBatch);
  figures.goalBatchRowsRatio = Number((poolBatch.perSecond / bareBatch.perSecond).toFixed(2));
  return {
    title: `the iris model (logistic regression) in onnxruntime-node: InferencePool vs a bare session.run loop`,
    rows,
    figures,
  };
}
