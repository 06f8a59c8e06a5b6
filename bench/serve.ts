import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOnnxModel } from '@loom/onnx';
import { buildApp, buildModelServerApp, type ModelServerOptions } from '@loom/server';
import { irisExample, numberFeeds, type TrainedExample } from '@loom/serving/testing';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import * as ort from 'onnxruntime-node';
import { benchRegistry } from './bench-nodes.ts';
import type { BenchResult } from './bench-result.ts';

const CONNECTIONS = 50;
/** Seconds each case is measured, after a warm-up of its own. */
const DURATION_S = 5;
const WARMUP_S = 1;
const BATCH_ROWS = 1_000;
/** In flight at once for 1,000-row requests: enough to keep every inference thread busy. */
const BATCH_CONNECTIONS = 8;
const BARE_LOOP_S = 2;
const DEPLOYS = 5;
/** `loom start` and `loom serve` log at `warn` unless LOOM_LOG_LEVEL says otherwise. */
const LOOM_LOGGER = { level: 'warn' };

interface Load {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

interface Served {
  app: FastifyInstance;
  address: string;
  home: string;
}

/**
 * `pnpm bench serve`: the iris model over HTTP in the model server, side by side with a Fastify
 * hello-world route and a bare `session.run` loop, all in this process. autocannon runs in a worker
 * thread of its own, so the server's event loop is not shared with the load it answers. Cases:
 * single-row infer at 50 connections (row form and the Open Inference Protocol tensor form) against
 * `loom start`'s app (`buildApp`, request log on as by default, and once off) and `loom serve`'s
 * (`buildModelServerApp`); 1,000-row requests against the bare loop's rows/s; and the time from a
 * deploy (`POST /api/models/iris/deployments`) returning to the first request the new version answers;
 * and the request log's cost, log on and off measured in turn (see `requestLogCost`). Any reply that
 * is not 2xx under load throws.
 */
export async function benchServe(): Promise<BenchResult> {
  const iris = await irisExample();
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-serve-'));
  const single = { rows: singleRowBody(iris), tensor: tensorBody(iris, 0, 1) };
  const batch = { rows: rowsBody(iris, BATCH_ROWS), tensor: tensorBody(iris, 0, BATCH_ROWS) };
  const rows: string[][] = [['case', 'requests/s', 'rows/s', 'p50 ms', 'p99 ms', 'ratio']];
  const figures: BenchResult['figures'] = {
    connections: CONNECTIONS,
    batchConnections: BATCH_CONNECTIONS,
    inferenceThreads: availableParallelism(),
  };
  const report = (label: string, name: string, rowsPerRequest: number, load: Load, ratio?: number) => {
    rows.push([label, ...loadCells(load, rowsPerRequest), ratio === undefined ? '' : `${ratio.toFixed(2)}×`]);
    figures[`${name}RequestsPerSecond`] = Math.round(load.requestsPerSecond);
    figures[`${name}P50Ms`] = load.p50Ms;
    figures[`${name}P99Ms`] = load.p99Ms;
    if (ratio !== undefined) figures[`${name}Ratio`] = Number(ratio.toFixed(2));
  };

  try {
    const hello = await helloWorld();
    let helloLoad: Load;
    try {
      helloLoad = await measure(`${hello.address}/`, undefined, CONNECTIONS);
    } finally {
      await hello.app.close();
    }
    report('Fastify hello world (GET, { hello: "world" })', 'hello', 1, helloLoad);
    const toHello = (load: Load) => load.requestsPerSecond / helloLoad.requestsPerSecond;

    const bare = await bareLoop(iris, BATCH_ROWS);
    const toBare = (load: Load) => load.requestsPerSecond / bare.requestsPerSecond;

    const embedded = await loomServer(join(dir, 'start'), iris, {});
    let logged: { written: number; dropped: number };
    try {
      const infer = `${embedded.address}/v2/models/iris/infer`;
      const rowLoad = await measure(infer, single.rows, CONNECTIONS);
      report('loom start, 1 row, row form (request log on)', 'singleRow', 1, rowLoad, toHello(rowLoad));
      const tensorLoad = await measure(infer, single.tensor, CONNECTIONS);
      report('  tensor form', 'singleTensor', 1, tensorLoad, toHello(tensorLoad));
      figures.goalSingleRowRatio = Number(toHello(rowLoad).toFixed(2));
      figures.goalSingleRowP99Ms = rowLoad.p99Ms;

      rows.push([`bare session.run loop, ${count(BATCH_ROWS)} rows`, ...loadCells(bare, BATCH_ROWS), '']);
      figures.bareBatchRowsPerSecond = Math.round(bare.requestsPerSecond * BATCH_ROWS);
      const batchRowLoad = await measure(infer, batch.rows, BATCH_CONNECTIONS);
      report(
        `loom start, ${count(BATCH_ROWS)} rows, row form, ${BATCH_CONNECTIONS} connections`,
        'batchRow',
        BATCH_ROWS,
        batchRowLoad,
        toBare(batchRowLoad),
      );
      const batchTensorLoad = await measure(infer, batch.tensor, BATCH_CONNECTIONS);
      report('  tensor form', 'batchTensor', BATCH_ROWS, batchTensorLoad, toBare(batchTensorLoad));
      figures.goalBatchRowsRatio = Number(Math.max(toBare(batchRowLoad), toBare(batchTensorLoad)).toFixed(2));

      logged = await requestLogCounts(embedded.address);
      const deploys = await deployToFirstAnswer(embedded, iris, single.rows);
      const median = [...deploys].sort((a, b) => a - b)[Math.floor(deploys.length / 2)] as number;
      rows.push([
        `deploy returned → first answer by the new version (${deploys.map((t) => t.toFixed(0)).join(', ')} ms)`,
        '',
        '',
        ms(median),
        '',
        '',
      ]);
      figures.goalDeployToFirstAnswerMs = Number(median.toFixed(1));
    } finally {
      await embedded.app.close();
    }
    rows.push([
      `  (its request log wrote ${count(logged.written)} rows and dropped ${count(logged.dropped)} during the cases above)`,
      '',
      '',
      '',
      '',
      '',
    ]);
    figures.requestLogRowsWritten = logged.written;
    figures.requestLogRowsDropped = logged.dropped;

    const unlogged = await loomServer(join(dir, 'start-unlogged'), iris, { requestLog: false });
    try {
      const infer = `${unlogged.address}/v2/models/iris/infer`;
      const rowLoad = await measure(infer, single.rows, CONNECTIONS);
      report('loom start, 1 row, row form, request log off', 'singleRowUnlogged', 1, rowLoad, toHello(rowLoad));
      const batchRowLoad = await measure(infer, batch.rows, BATCH_CONNECTIONS);
      report(
        `  ${count(BATCH_ROWS)} rows, row form, request log off`,
        'batchRowUnlogged',
        BATCH_ROWS,
        batchRowLoad,
        toBare(batchRowLoad),
      );
    } finally {
      await unlogged.app.close();
    }

    // `loom serve` on the home `loom start` deployed to, as it would run beside it.
    const serve = await modelServer(embedded.home);
    try {
      const rowLoad = await measure(`${serve.address}/v2/models/iris/infer`, single.rows, CONNECTIONS);
      report('loom serve, 1 row, row form (request log on)', 'serveSingleRow', 1, rowLoad, toHello(rowLoad));
    } finally {
      await serve.app.close();
    }

    await requestLogCost(dir, iris, single.rows, batch.rows, rows, figures);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    title: `the iris model (logistic regression) over HTTP on loopback, ${CONNECTIONS} connections, ${DURATION_S} s a case; ratio: to hello world for 1 row, to the bare loop's rows/s for ${count(BATCH_ROWS)} rows`,
    rows,
    figures,
  };
}

/** Rounds of the alternating log on / log off cases: a machine's drift over a run hits both alike. */
const LOG_COST_ROUNDS = 3;

/**
 * The request log's cost: `loom start` with the log on and with it off, both listening, measured in
 * turn (on, off, on, off, …) with the same load, so that what else the machine runs, and the JIT
 * warming up, weigh on both alike; the medians of each and their ratio (the goal: log on ≥ 0.9× off).
 */
async function requestLogCost(
  dir: string,
  iris: TrainedExample,
  singleBody: string,
  batchBody: string,
  rows: string[][],
  figures: BenchResult['figures'],
): Promise<void> {
  const on = await loomServer(join(dir, 'cost-on'), iris, {});
  try {
    const off = await loomServer(join(dir, 'cost-off'), iris, { requestLog: false });
    try {
      const cases = [
        { name: 'logCostSingle', label: '1 row', body: singleBody, connections: CONNECTIONS, rowsPerRequest: 1 },
        {
          name: 'logCostBatch',
          label: `${count(BATCH_ROWS)} rows, ${BATCH_CONNECTIONS} connections`,
          body: batchBody,
          connections: BATCH_CONNECTIONS,
          rowsPerRequest: BATCH_ROWS,
        },
      ];
      for (const { name, label, body, connections, rowsPerRequest } of cases) {
        const before = await requestLogCounts(on.address);
        const loads: { on: Load[]; off: Load[] } = { on: [], off: [] };
        for (let round = 0; round < LOG_COST_ROUNDS; round++) {
          loads.on.push(await measure(`${on.address}/v2/models/iris/infer`, body, connections));
          loads.off.push(await measure(`${off.address}/v2/models/iris/infer`, body, connections));
        }
        const after = await requestLogCounts(on.address);
        const medianOn = medianLoad(loads.on);
        const medianOff = medianLoad(loads.off);
        const ratio = medianOn.requestsPerSecond / medianOff.requestsPerSecond;
        const each = (list: Load[]) => list.map((load) => count(load.requestsPerSecond)).join(', ');
        rows.push([
          `request log on vs off, ${label}, in turn ×${LOG_COST_ROUNDS}: on (${each(loads.on)})`,
          ...loadCells(medianOn, rowsPerRequest),
          `${ratio.toFixed(2)}×`,
        ]);
        rows.push([`  off (${each(loads.off)})`, ...loadCells(medianOff, rowsPerRequest), '']);
        const written = after.written - before.written;
        const dropped = after.dropped - before.dropped;
        rows.push([
          `  (the log wrote ${count(written)} rows and dropped ${count(dropped)} in these cases)`,
          '',
          '',
          '',
          '',
          '',
        ]);
        figures[`${name}OnRequestsPerSecond`] = Math.round(medianOn.requestsPerSecond);
        figures[`${name}OffRequestsPerSecond`] = Math.round(medianOff.requestsPerSecond);
        figures[`${name}OnP99Ms`] = medianOn.p99Ms;
        figures[`${name}OffP99Ms`] = medianOff.p99Ms;
        figures[`${name}RowsWritten`] = written;
        figures[`${name}RowsDropped`] = dropped;
        figures[`goal${name.slice(0, 1).toUpperCase()}${name.slice(1)}Ratio`] = Number(ratio.toFixed(2));
      }
    } finally {
      await off.app.close();
    }
  } finally {
    await on.app.close();
  }
}

/** The load with the median requests/s (the middle of an odd count). */
function medianLoad(loads: Load[]): Load {
  return [...loads].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(loads.length / 2)] as Load;
}

async function helloWorld(): Promise<{ app: FastifyInstance; address: string }> {
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, address };
}

/** `loom start`'s app on a new home, listening, with iris deployed through the API and serving. */
async function loomServer(home: string, iris: TrainedExample, modelServer: ModelServerOptions): Promise<Served> {
  const dataRoot = join(home, 'data');
  await mkdir(dataRoot, { recursive: true });
  const app = await buildApp({
    registry: benchRegistry(),
    home,
    dataRoots: [dataRoot],
    host: '127.0.0.1',
    logger: LOOM_LOGGER,
    modelServer,
  });
  try {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    await app.modelServing?.whenSynced();
    const served = { app, address, home };
    await deploy(served, iris.onnx);
    await app.modelServing?.sync();
    await expectAnswer(`${address}/v2/models/iris/infer`, singleRowBody(iris), '1');
    return served;
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** `loom serve`'s app on a home whose store already has the endpoint, listening and serving. */
async function modelServer(home: string): Promise<Served> {
  const app = await buildModelServerApp({ home, host: '127.0.0.1', logger: LOOM_LOGGER });
  try {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    await app.modelServing?.whenSynced();
    return { app, address, home };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** Deploys ONNX bytes as the `production` alias of `iris` through the API; resolves with the version. */
async function deploy({ app, address }: Served, onnx: Uint8Array): Promise<number> {
  const { sha256 } = await app.artifacts.put(onnx);
  const reply = await fetch(`${address}/api/models/iris/deployments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ onnx: sha256, alias: 'production' }),
  });
  if (!reply.ok) throw new Error(`deploying iris answered ${reply.status}: ${await reply.text()}`);
  return ((await reply.json()) as { version: number }).version;
}

/**
 * Deploys {@link DEPLOYS} new versions one after another; for each, the ms from the deployment route
 * returning to the first infer reply whose `x-loom-model-version` names the new version, polling with
 * one request at a time (the old version answers meanwhile).
 */
async function deployToFirstAnswer(served: Served, iris: TrainedExample, body: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < DEPLOYS; i++) {
    // Other metadata, so other bytes and a new version of the same model.
    const onnx = buildOnnxModel({ ...iris.model, trainedBy: `train.logistic_regression_bench_${i}` });
    const version = String(await deploy(served, onnx));
    const returned = performance.now();
    for (;;) {
      const reply = await fetch(`${served.address}/v2/models/iris/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (!reply.ok) throw new Error(`infer answered ${reply.status} while version ${version} deployed`);
      await reply.arrayBuffer();
      if (reply.headers.get('x-loom-model-version') === version) break;
    }
    times.push(performance.now() - returned);
  }
  return times;
}

/** Throws unless one infer request answers 200 from the version expected. */
async function expectAnswer(url: string, body: string, version: string): Promise<void> {
  const reply = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await reply.text();
  if (reply.status !== 200 || reply.headers.get('x-loom-model-version') !== version) {
    throw new Error(
      `${url} answered ${reply.status} from version ${reply.headers.get('x-loom-model-version')}: ${text}`,
    );
  }
}

/** A warm-up, then {@link DURATION_S} seconds of load; throws on any reply that is not 2xx. */
async function measure(url: string, body: string | undefined, connections: number): Promise<Load> {
  const options: autocannon.Options = {
    url,
    connections,
    // The load comes from a thread of its own, as it would from another process.
    workers: 1,
    ...(body === undefined ? {} : { method: 'POST' as const, headers: { 'content-type': 'application/json' }, body }),
  };
  const run = async (duration: number) => {
    const result = await autocannon({ ...options, duration });
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
      throw new Error(
        `${url}: ${result.non2xx} non-2xx replies, ${result.errors} errors and ${result.timeouts} timeouts under load`,
      );
    }
    return result;
  };
  await run(WARMUP_S);
  const result = await run(DURATION_S);
  return { requestsPerSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
}

/** `session.run` on this thread with `rows`-row feeds, one request after another, for {@link BARE_LOOP_S}. */
async function bareLoop(iris: TrainedExample, rows: number): Promise<Load> {
  const session = await ort.InferenceSession.create(iris.onnx);
  const columns = repeatedColumns(iris, rows);
  const runOnce = async () => {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(numberFeeds(columns, 0, rows)))
      feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    await session.run(feeds);
  };
  for (let i = 0; i < 20; i++) await runOnce();
  const latencies: number[] = [];
  const started = performance.now();
  while (performance.now() - started < BARE_LOOP_S * 1000) {
    const begin = performance.now();
    await runOnce();
    latencies.push(performance.now() - begin);
  }
  const seconds = (performance.now() - started) / 1000;
  await session.release();
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] as number;
  return { requestsPerSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/** The rows written and dropped by the default request log, from the server's /metrics. */
async function requestLogCounts(address: string): Promise<{ written: number; dropped: number }> {
  const text = await (await fetch(`${address}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    written: sum('loom_request_log_rows_written_total'),
    dropped: sum('loom_request_log_rows_dropped_total'),
  };
}

/** The data set's columns repeated to `rows` rows. */
function repeatedColumns(iris: TrainedExample, rows: number): Record<string, Float64Array> {
  return Object.fromEntries(
    Object.entries(iris.columns).map(([name, values]) => [
      name,
      Float64Array.from({ length: rows }, (_, r) => values[r % iris.rows] as number),
    ]),
  );
}

function singleRowBody(iris: TrainedExample): string {
  return rowsBody(iris, 1);
}

/** `{ rows: [{ column: value }] }` of the first `count` rows (the data set repeated). */
function rowsBody(iris: TrainedExample, rows: number): string {
  const columns = repeatedColumns(iris, rows);
  const names = Object.keys(columns);
  return JSON.stringify({
    rows: Array.from({ length: rows }, (_, r) =>
      Object.fromEntries(names.map((name) => [name, (columns[name] as Float64Array)[r]])),
    ),
  });
}

/** The Open Inference Protocol tensor form: one `[rows, 1]` FP32 input per column. */
function tensorBody(iris: TrainedExample, from: number, to: number): string {
  const columns = repeatedColumns(iris, to);
  return JSON.stringify({
    inputs: Object.entries(columns).map(([name, values]) => ({
      name,
      shape: [to - from, 1],
      datatype: 'FP32',
      data: Array.from(values.subarray(from, to)),
    })),
  });
}

function loadCells(load: Load, rowsPerRequest: number): string[] {
  return [
    count(load.requestsPerSecond),
    count(load.requestsPerSecond * rowsPerRequest),
    ms(load.p50Ms),
    ms(load.p99Ms),
  ];
}

const ms = (value: number) => value.toFixed(2);
const count = (value: number) => Math.round(value).toLocaleString('en');
