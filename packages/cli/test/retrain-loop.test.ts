// The whole monitor-and-retrain loop on a real server (SQLite, artifacts, the embedded model server, the
// request log in Parquet and the server's own monitors), through examples/retrain-loop's steps: train
// iris → deploy → held-out traffic (no alert) → the same flowers with two features shifted (a drift
// alert within one window) → the alert starts the retrain by itself → validation gates it → the new
// version is deployed and answers. Nothing here evaluates a window by hand: the monitors' timer does.
import { join } from 'node:path';
import type { ModelVersionList } from '@loom/server/api-types';
import { afterEach, describe, expect, it } from 'vitest';
import {
  classify,
  createMonitor,
  getRun,
  listAlerts,
  MODEL,
  nextWindow,
  readFlowers,
  retrainRunId,
  shifted,
  startRun,
  uploadPipeline,
  waitFor,
  waitForRun,
  waitForWindow,
} from '../../../examples/retrain-loop/loop.ts';
import { type InProcessServer, startInProcessServer } from './in-process-server.ts';
import { EXAMPLES } from './loom-process.ts';

const WINDOW_SECONDS = 3;
/** The request log writes its rows every second: a window is read 1.5 s after it ends. */
const MONITORS = { tickMs: 250, graceMs: 1_500 };
const EVALUATED_WITHIN = WINDOW_SECONDS * 1000 + 10_000;

let server: InProcessServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function deployed(): Promise<{ server: InProcessServer; pipelineId: string }> {
  server = await startInProcessServer({ dataRoot: join(EXAMPLES, 'retrain-loop'), monitors: MONITORS });
  const pipelineId = await uploadPipeline(server);
  const first = await waitForRun(server, await startRun(server, pipelineId));
  expect(first.status).toBe('succeeded');
  return { server, pipelineId };
}

/** Sends `flowers` within one fresh window and waits until the server has evaluated that window. */
async function windowOf(server: InProcessServer, monitorId: string, flowers: Parameters<typeof classify>[1]) {
  const start = await nextWindow(WINDOW_SECONDS);
  const answer = await classify(server, flowers);
  const window = await waitForWindow(server, monitorId, start, EVALUATED_WITHIN);
  return { answer, window };
}

describe('the retrain loop', { timeout: 180_000 }, () => {
  it('drifting traffic raises an alert whose retrain is validated and deployed, and the endpoint answers from it', async () => {
    const { server, pipelineId } = await deployed();
    const holdout = await readFlowers('iris-holdout.csv');
    const monitorId = await createMonitor(server, {
      pipelineId,
      windowSeconds: WINDOW_SECONDS,
      parameters: { data: 'iris-recent.csv' },
    });

    // The 30 held-out flowers, as the camera used for training measured them: no drift, no alert.
    const quiet = await windowOf(server, monitorId, holdout);
    expect(quiet.answer).toMatchObject({ version: '1' });
    expect(quiet.answer.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(quiet.window).toMatchObject({ status: 'ok', rows: 30, version: 1 });
    expect(quiet.window.metrics).toMatchObject({ dataset_drift: 0, drifted_features: 0 });
    expect(await listAlerts(server, monitorId)).toEqual([]);

    // The same flowers with both petal measurements shifted: v1 misclassifies them, and the window drifts.
    const moved = shifted(holdout);
    const drifting = await windowOf(server, monitorId, moved);
    expect(drifting.answer.version).toBe('1');
    expect(drifting.answer.accuracy).toBeLessThan(0.8);
    expect(drifting.window).toMatchObject({ status: 'drift', rows: 30 });
    expect(drifting.window.metrics).toMatchObject({
      dataset_drift: 1,
      drifted_features: 2,
      'drifted:petal_length': 1,
      'drifted:petal_width': 1,
      'drifted:sepal_length': 0,
      'drifted:sepal_width': 0,
    });

    // One alert, opened by that window, whose action started the retrain.
    const alerts = await listAlerts(server, monitorId);
    expect(alerts).toHaveLength(1);
    const alert = alerts[0];
    expect(alert).toMatchObject({ status: 'open', model: MODEL, firstWindow: drifting.window.start });
    const runId = retrainRunId(alert as NonNullable<typeof alert>);
    expect(await getRun(server, runId)).toMatchObject({
      pipelineId,
      options: { parameters: { data: 'iris-recent.csv' } },
      trigger: { kind: 'alert', id: monitorId, alertId: alert?.id },
    });

    // The retrain is validated on its own held-out rows, and deployed only then.
    const retrain = await waitForRun(server, runId);
    expect(retrain.status).toBe('succeeded');
    const step = (id: string) => retrain.steps.find((s) => s.id === id);
    expect(step('validate')).toMatchObject({ status: 'succeeded' });
    expect(step('deploy')).toMatchObject({ status: 'succeeded' });
    expect(Date.parse(step('deploy')?.startedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(step('validate')?.finishedAt ?? ''),
    );

    // The endpoint answers from version 2, which knows the new camera.
    const after = await classify(server, moved);
    expect(after.version).toBe('2');
    expect(after.accuracy).toBeGreaterThanOrEqual(0.9);
    const model = await (await fetch(`${server.base}/api/models/${MODEL}`)).json();
    expect(model).toMatchObject({ aliases: [{ alias: 'production', version: 2 }] });
  });

  it('a retrain that fails its validation leaves the deployed version serving', async () => {
    const { server, pipelineId } = await deployed();
    const moved = shifted(await readFlowers('iris-holdout.csv'));
    // A bar the retrained model cannot reach (it scores about 0.97 on its held-out rows).
    const monitorId = await createMonitor(server, {
      pipelineId,
      windowSeconds: WINDOW_SECONDS,
      parameters: { data: 'iris-recent.csv', min_accuracy: 0.99 },
    });

    const drifting = await windowOf(server, monitorId, moved);
    expect(drifting.window.status).toBe('drift');
    const alert = await waitFor('the alert', 5_000, async () => (await listAlerts(server, monitorId))[0]);
    const retrain = await waitForRun(server, retrainRunId(alert));
    expect(retrain.status).toBe('failed');
    expect(retrain.steps.find((s) => s.id === 'validate')).toMatchObject({ status: 'failed' });
    expect(retrain.steps.find((s) => s.id === 'deploy')?.status).not.toBe('succeeded');

    expect(await classify(server, moved)).toMatchObject({ version: '1' });
    const versions = (await (await fetch(`${server.base}/api/models/${MODEL}/versions`)).json()) as ModelVersionList;
    expect(versions.versions.map((v) => v.version)).toEqual([1]);
  });
});
