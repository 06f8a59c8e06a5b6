// The monitor-and-retrain loop against a running Loom server, step by step: train and deploy the iris
// model, watch its endpoint with a drift monitor whose alert retrains it on the recent labelled rows,
// send the held-out flowers as they are (no alert), then with both petal measurements shifted (an
// alert), and wait while the server retrains, validates and redeploys by itself. Each step is a
// function so the integration test (packages/cli/test/retrain-loop.test.ts) drives the same code.
//
//   node --import tsx examples/retrain-loop/loop.ts [--server URL] [--window SECONDS]
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Alert, MonitorCreated, MonitorWindow, StoredRun } from '../../server/src/api-types.ts';

export const EXAMPLE_DIR = dirname(fileURLToPath(import.meta.url));
/** The model the pipeline deploys (`deploy.endpoint`'s `model`). */
export const MODEL = 'iris-loop';
/** What a new petal-measuring camera adds to every flower, in cm: the drift the monitor must see. */
export const PETAL_SHIFT = { petal_length: 1.5, petal_width: 0.8 } as const;

export interface LoopServer {
  /** `http://host:port`, no trailing slash. */
  base: string;
  /** Sent as `Authorization: Bearer …` when the server has LOOM_API_TOKEN set. */
  token?: string;
}

export class LoopError extends Error {}

async function call<T>(server: LoopServer, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (server.token !== undefined) headers.authorization = `Bearer ${server.token}`;
  const reply = await fetch(`${server.base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await reply.text();
  if (!reply.ok) throw new LoopError(`${method} ${path} answered ${reply.status}: ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Polls `read` every 250 ms until it returns something other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new LoopError(`gave up after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Stores the example's pipeline on the server; returns its id. */
export async function uploadPipeline(server: LoopServer): Promise<string> {
  const document = JSON.parse(await readFile(join(EXAMPLE_DIR, 'pipeline.loom.json'), 'utf8'));
  return (await call<{ id: string }>(server, 'POST', '/api/pipelines', document)).id;
}

export async function startRun(
  server: LoopServer,
  pipelineId: string,
  parameters: Record<string, string | number> = {},
): Promise<string> {
  const run = await call<{ id: string }>(server, 'POST', `/api/pipelines/${pipelineId}/runs`, { parameters });
  return run.id;
}

export function getRun(server: LoopServer, runId: string): Promise<StoredRun> {
  return call<StoredRun>(server, 'GET', `/api/runs/${encodeURIComponent(runId)}`);
}

const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

/** Waits until the run ends, whatever its status. */
export function waitForRun(server: LoopServer, runId: string, timeoutMs = 120_000): Promise<StoredRun> {
  return waitFor(`run ${runId} to end`, timeoutMs, async () => {
    const run = await getRun(server, runId);
    return ENDED.has(run.status) ? run : undefined;
  });
}

/**
 * A monitor of the model's endpoint with windows of `windowSeconds`, the default rule (the dataset
 * drifts: half the features or more) and, as its action, a run of the pipeline on `parameters`.
 */
export async function createMonitor(
  server: LoopServer,
  options: { pipelineId: string; windowSeconds: number; parameters: Record<string, string | number> },
): Promise<string> {
  const created = await call<MonitorCreated>(server, 'POST', '/api/monitors', {
    name: 'iris-loop drift',
    model: MODEL,
    windowSeconds: options.windowSeconds,
    actions: [{ kind: 'run', pipelineId: options.pipelineId, parameters: options.parameters }],
  });
  return created.monitor.id;
}

export interface Flower {
  features: Record<string, number>;
  species: string;
}

/** A labelled iris CSV (a name in the example's folder, or a path): each row's measurements and its species. */
export async function readFlowers(file: string): Promise<Flower[]> {
  const [header, ...lines] = (await readFile(resolve(EXAMPLE_DIR, file), 'utf8')).trim().split('\n');
  const names = (header ?? '').split(',');
  return lines.map((line) => {
    const features: Record<string, number> = {};
    let species = '';
    line.split(',').forEach((value, i) => {
      const name = names[i] as string;
      if (name === 'species') species = value;
      else features[name] = Number(value);
    });
    return { features, species };
  });
}

/** The same flowers as the camera with the shift measures them. */
export function shifted(flowers: readonly Flower[]): Flower[] {
  return flowers.map(({ features, species }) => {
    const moved = { ...features };
    for (const [name, by] of Object.entries(PETAL_SHIFT)) moved[name] = Math.round(((moved[name] ?? 0) + by) * 10) / 10;
    return { features: moved, species };
  });
}

export interface Answer {
  /** The model version that answered. */
  version: string;
  /** Share of the flowers whose species it predicted. */
  accuracy: number;
}

/** Sends the flowers to the endpoint in one request; says which version answered and how well. */
export async function classify(server: LoopServer, flowers: readonly Flower[]): Promise<Answer> {
  const reply = await call<{ model_version: string; predictions: Array<{ label: string }> }>(
    server,
    'POST',
    `/v2/models/${MODEL}/infer`,
    { rows: flowers.map((flower) => flower.features) },
  );
  const right = reply.predictions.filter((prediction, i) => prediction.label === flowers[i]?.species).length;
  return { version: reply.model_version, accuracy: right / flowers.length };
}

/** Waits until just after the next window starts (windows are aligned to multiples of their length). */
export async function nextWindow(windowSeconds: number): Promise<string> {
  const length = windowSeconds * 1000;
  const start = Math.ceil((Date.now() + 1) / length) * length;
  await new Promise((resolve) => setTimeout(resolve, start - Date.now() + 200));
  return new Date(start).toISOString();
}

/** Waits until the server has evaluated the window starting at `start` (after it ended and its grace). */
export function waitForWindow(
  server: LoopServer,
  monitorId: string,
  start: string,
  timeoutMs: number,
): Promise<MonitorWindow> {
  return waitFor(`the window of ${start}`, timeoutMs, async () => {
    const { windows } = await call<{ windows: MonitorWindow[] }>(server, 'GET', `/api/monitors/${monitorId}/windows`);
    return windows.find((window) => window.start === start);
  });
}

export async function listAlerts(server: LoopServer, monitorId: string): Promise<Alert[]> {
  return (await call<{ alerts: Alert[] }>(server, 'GET', `/api/alerts?monitor=${encodeURIComponent(monitorId)}`))
    .alerts;
}

/** The run an alert's retrain action started. */
export function retrainRunId(alert: Alert): string {
  const action = alert.actions.find((result) => result.kind === 'run');
  if (action?.runId === undefined) {
    throw new LoopError(`alert ${alert.id} started no run: ${action?.message ?? 'it has no run action'}`);
  }
  return action.runId;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      server: { type: 'string', default: process.env.LOOM_SERVER ?? 'http://127.0.0.1:8080' },
      window: { type: 'string', default: '15' },
    },
  });
  const server: LoopServer = {
    base: (values.server as string).replace(/\/+$/, ''),
    ...(process.env.LOOM_TOKEN === undefined ? {} : { token: process.env.LOOM_TOKEN }),
  };
  const windowSeconds = Number(values.window);
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1) throw new LoopError('--window must be whole seconds');
  // The server evaluates a window a few seconds after it ends and checks every 15 s (its defaults).
  const evaluatedWithin = (windowSeconds + 60) * 1000;

  const pipelineId = await uploadPipeline(server);
  console.log(`1. pipeline ${pipelineId} stored; training on iris-train.csv…`);
  const first = await waitForRun(server, await startRun(server, pipelineId));
  if (first.status !== 'succeeded') throw new LoopError(`the first training run ${first.id} ${first.status}`);
  const holdout = await readFlowers('iris-holdout.csv');
  const before = await classify(server, holdout);
  console.log(`   deployed: v${before.version} classifies the 30 held-out flowers ${percent(before.accuracy)} right`);

  const monitorId = await createMonitor(server, {
    pipelineId,
    windowSeconds,
    parameters: { data: 'iris-recent.csv' },
  });
  console.log(`2. monitor ${monitorId} watches ${MODEL} in ${windowSeconds} s windows; its alert retrains`);

  const quiet = await nextWindow(windowSeconds);
  await classify(server, holdout);
  const quietWindow = await waitForWindow(server, monitorId, quiet, evaluatedWithin);
  console.log(
    `3. held-out flowers as they are: ${quietWindow.status}, drift share ${percent(quietWindow.metrics.drift_share ?? 0)}, ${(await listAlerts(server, monitorId)).length} alerts`,
  );

  const moved = shifted(holdout);
  const drifting = await nextWindow(windowSeconds);
  const old = await classify(server, moved);
  console.log(`4. the same flowers with the petals shifted: v${old.version} gets ${percent(old.accuracy)} right`);
  const driftWindow = await waitForWindow(server, monitorId, drifting, evaluatedWithin);
  const alert = await waitFor('the drift alert', 10_000, async () => (await listAlerts(server, monitorId))[0]);
  console.log(
    `   window ${driftWindow.status}: drift share ${percent(driftWindow.metrics.drift_share ?? 0)}; alert ${alert.id} opened`,
  );

  const retrain = await waitForRun(server, retrainRunId(alert));
  const validate = retrain.steps.find((step) => step.id === 'validate');
  console.log(
    `5. retrain run ${retrain.id} (started by the alert) ${retrain.status}; validation ${validate?.status ?? 'did not run'}`,
  );
  const after = await classify(server, moved);
  console.log(
    `6. the endpoint now answers from v${after.version}: ${percent(after.accuracy)} of the shifted flowers right`,
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof LoopError ? `retrain loop: ${error.message}` : error);
    process.exitCode = 1;
  });
}
