// monitor.drift on a deployed endpoint, on a real server (SQLite, artifacts, the embedded model server,
// the request log in Parquet): the iris pipeline with a monitor.drift fed by deploy's endpoint and
// train's model. The drift step reads the endpoint's logged requests through ctx.models.traffic, which
// the server's step runners answer from the request log.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Flower,
  getRun,
  readFlowers,
  shifted,
  startRun,
  waitForRun,
} from '../../../examples/retrain-loop/loop.ts';
import { type InProcessServer, startInProcessServer } from './in-process-server.ts';
import { EXAMPLES } from './loom-process.ts';

const IRIS = join(EXAMPLES, 'iris-classification');

/** The iris pipeline deploying to the model `model` (a pipeline parameter), plus drift on its endpoint. */
async function irisWithDrift(): Promise<Record<string, unknown>> {
  const document = JSON.parse(await readFile(join(IRIS, 'pipeline.loom.json'), 'utf8'));
  document.name = 'iris with endpoint drift';
  document.parameters.model = { type: 'string', default: 'iris' };
  const deploy = document.nodes.find((node: { id: string }) => node.id === 'deploy');
  deploy.params.model = { $param: 'model' };
  document.nodes.push({ id: 'drift', type: 'monitor.drift', version: '1.1.0', params: { window_seconds: 600 } });
  document.edges.push(
    { id: 'd1', from: { node: 'deploy', port: 'endpoint' }, to: { node: 'drift', port: 'endpoint' } },
    { id: 'd2', from: { node: 'train', port: 'model' }, to: { node: 'drift', port: 'model' } },
  );
  return document;
}

let server: InProcessServer;
let pipelineId: string;

beforeAll(async () => {
  server = await startInProcessServer();
  const reply = await fetch(`${server.base}/api/pipelines`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(await irisWithDrift()),
  });
  expect(reply.status).toBe(201);
  pipelineId = ((await reply.json()) as { id: string }).id;
});
afterAll(async () => {
  await server?.close();
});

/** Runs the pipeline deploying to `model`; answers the drift step, the run having succeeded. */
async function driftStep(model: string) {
  const run = await waitForRun(server, await startRun(server, pipelineId, { model }));
  expect(run.status, JSON.stringify(run.steps.find((s) => s.failure !== undefined)?.failure)).toBe('succeeded');
  const step = run.steps.find((s) => s.id === 'drift');
  if (step === undefined) throw new Error('no drift step');
  const report = await fetch(`${server.base}/api/artifacts/${step.outputs.report?.sha256}`);
  return { run, step, report: (await report.json()) as Record<string, unknown> };
}

/** Sends the flowers to the model's endpoint, then waits for the request log to write them (once a second). */
async function send(model: string, flowers: readonly Flower[]): Promise<void> {
  const reply = await fetch(`${server.base}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rows: flowers.map((flower) => flower.features) }),
  });
  expect(reply.status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
}

describe('monitor.drift on a deployed endpoint', { timeout: 180_000 }, () => {
  it('reports no_data before any request, then the drift of what the endpoint answered', async () => {
    // Deployed in this very run, the endpoint has answered nothing yet: no data, never "no drift".
    const first = await driftStep('iris');
    expect(first.step.metrics).toEqual({ rows: 0 });
    expect(first.report).toMatchObject({ status: 'no_data', rows: 0, window: { endpoint: 'iris', version: 1 } });
    expect(first.report.reason).toMatch(/^endpoint "iris" v1 answered no requests from /);

    // The flowers the model learnt from: every one is measured, and nothing drifts.
    const flowers = await readFlowers(join(IRIS, 'iris.csv'));
    await send('iris', flowers);
    const quiet = await driftStep('iris');
    expect(quiet.run.steps.find((s) => s.id === 'deploy')?.status).toBe('cached');
    expect(quiet.step.status).toBe('succeeded');
    expect(quiet.step.metrics).toMatchObject({ rows: flowers.length, dataset_drift: 0, drifted_features: 0 });
    expect(quiet.report).toMatchObject({ status: 'ok', rows: flowers.length, window: { versions: { '1': 150 } } });

    // The same flowers as a camera that adds to the petals measures them, sent to an endpoint of their own.
    const moved = shifted(flowers);
    expect((await driftStep('iris-shifted')).step.metrics).toEqual({ rows: 0 });
    await send('iris-shifted', moved);
    const drifting = await driftStep('iris-shifted');
    expect(drifting.step.metrics).toMatchObject({
      rows: moved.length,
      dataset_drift: 1,
      drifted_features: 2,
      'drifted:petal_length': 1,
      'drifted:petal_width': 1,
      'drifted:sepal_length': 0,
      'drifted:sepal_width': 0,
    });
    expect(drifting.report).toMatchObject({ status: 'drift', window: { endpoint: 'iris-shifted', version: 1 } });

    // The run record keeps the step's metrics.
    expect((await getRun(server, drifting.run.id)).steps.find((s) => s.id === 'drift')?.metrics.rows).toBe(150);
  });
});
