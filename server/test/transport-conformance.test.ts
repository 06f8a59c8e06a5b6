/**
 * One behaviour, two transports: every case here runs against the inline transport (no Redis) and
 * against BullMQ with a real Redis and a worker whose steps run in real step-runner processes. The
 * last test checks that both gave the same statuses, outputs and per-step event sequences.
 */
import { join } from 'node:path';
import type { RunEvent } from '@loom/runtime';
import { startRedisServer, type TestRedisServer } from '@loom/runtime/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoredRun } from '../src/store/store-types.ts';
import {
  getRun,
  JSON_TYPE,
  makeDirs,
  pipeline,
  readTrace,
  savePipeline,
  startRun,
  type TestDirs,
  testApp,
  testWorker,
  waitFor,
  waitForRun,
} from './harness.ts';

type Mode = 'inline' | 'bullmq';
const observed = new Map<string, Map<Mode, unknown>>();

function record(name: string, mode: Mode, value: unknown) {
  const byMode = observed.get(name) ?? new Map<Mode, unknown>();
  byMode.set(mode, value);
  observed.set(name, byMode);
}

let redis: TestRedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});

describe.each<Mode>(['inline', 'bullmq'])('runs on the %s transport', (mode) => {
  let dirs: TestDirs;
  let app: FastifyInstance;
  let worker: { close(): Promise<void> } | undefined;
  let testCount = 0;

  beforeEach(async () => {
    dirs = await makeDirs();
    testCount += 1;
    if (mode === 'inline') {
      app = await testApp({ dirs });
    } else {
      const queuePrefix = `conf${process.pid}x${testCount}`;
      app = await testApp({ dirs, redisUrl: redis.url, queuePrefix });
      worker = await testWorker({ dirs, redisUrl: redis.url, queuePrefix });
    }
  }, 30_000);

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await app.close();
    await dirs.cleanup();
  }, 30_000);

  /** The run's events as the store kept them. */
  async function events(runId: string): Promise<RunEvent[]> {
    app.runs.flushEvents();
    return app.store.eventsAfter(runId, 0, 10_000);
  }

  /** Per step, the kinds of its events in order (what must match across transports). */
  async function eventShape(runId: string): Promise<Record<string, string[]>> {
    const shape: Record<string, string[]> = {};
    for (const event of await events(runId)) {
      const key = 'stepId' in event ? event.stepId : '(run)';
      const kinds = shape[key] ?? [];
      kinds.push(event.kind);
      shape[key] = kinds;
    }
    return shape;
  }

  async function outputValue(run: StoredRun, stepId: string): Promise<unknown> {
    const record = run.steps.find((s) => s.id === stepId)?.outputs.value;
    if (record === undefined) return undefined;
    return (await app.inject({ method: 'GET', url: `/api/artifacts/${record.sha256}` })).json();
  }

  const summary = (run: StoredRun) => ({
    status: run.status,
    steps: Object.fromEntries(run.steps.map((s) => [s.id, [s.status, s.attempts, s.failure?.reason ?? null]])),
  });

  it('runs a fan-out and fan-in, with every step’s events in order', async () => {
    const id = await savePipeline(
      app,
      pipeline(
        'fan',
        [
          { id: 'a', type: 't.sleep', params: { ms: 20, value: 1 } },
          { id: 'b', type: 't.sleep', params: { ms: 10, value: 2 } },
          { id: 'c', type: 't.sleep', params: { ms: 0, value: 3 } },
          { id: 'total', type: 't.sum' },
        ],
        ['a.value->total.values', 'b.value->total.values', 'c.value->total.values'],
      ),
    );
    const run = await waitForRun(app, (await startRun(app, id)).id);
    expect(run.status).toBe('succeeded');
    expect(await outputValue(run, 'total')).toBe(6);
    expect(run.steps.find((s) => s.id === 'a')?.metrics).toEqual({ slept_ms: 20 });
    const shape = await eventShape(run.id);
    expect(shape.a).toEqual([
      'step.queued',
      'step.started',
      'step.log',
      'step.progress',
      'step.metric',
      'step.succeeded',
    ]);
    expect(shape['(run)']).toEqual(['run.started', 'run.finished']);
    const logs = await app.inject({ method: 'GET', url: `/api/runs/${run.id}/steps/total/logs` });
    expect(logs.json().logs.map((l: { message: string }) => l.message)).toEqual(['sum is 6']);
    record('fan', mode, { summary: summary(run), shape });
  });

  it('skips what depends on a failed step and finishes the independent branch', async () => {
    const id = await savePipeline(
      app,
      pipeline(
        'failing',
        [
          { id: 'broken', type: 't.fail', params: { message: 'bad column "x"' } },
          { id: 'after', type: 't.sleep' },
          { id: 'independent', type: 't.sleep', params: { ms: 50 } },
        ],
        ['broken.value->after.after'],
      ),
    );
    const run = await waitForRun(app, (await startRun(app, id)).id);
    expect(run.status).toBe('failed');
    const byId = new Map(run.steps.map((s) => [s.id, s]));
    expect(byId.get('broken')?.failure).toEqual({ reason: 'error', message: 'bad column "x"' });
    expect(byId.get('after')?.status).toBe('skipped');
    expect(byId.get('independent')?.status).toBe('succeeded');
    record('failing', mode, { summary: summary(run), shape: await eventShape(run.id) });
  });

  it('retries with backoff and succeeds on a later attempt', async () => {
    const id = await savePipeline(app, pipeline('flaky', [{ id: 'flaky', type: 't.flaky', params: { succeedOn: 3 } }]));
    const run = await waitForRun(app, (await startRun(app, id)).id);
    expect(run.status).toBe('succeeded');
    expect(run.steps[0]?.attempts).toBe(3);
    const shape = await eventShape(run.id);
    expect(shape.flaky?.filter((k) => k === 'step.retrying')).toHaveLength(2);
    record('flaky', mode, { summary: summary(run), shape });
  });

  it('stops a step that runs past its timeout', async () => {
    const id = await savePipeline(
      app,
      pipeline('slow', [{ id: 'slow', type: 't.sleep', params: { ms: 10_000 }, timeoutMs: 300, retries: 0 }]),
    );
    const started = Date.now();
    const run = await waitForRun(app, (await startRun(app, id)).id);
    expect(run.status).toBe('failed');
    expect(run.steps[0]?.failure).toMatchObject({ reason: 'timeout', message: 'timed out after 300 ms' });
    expect(Date.now() - started).toBeLessThan(8_000);
    record('timeout', mode, { summary: summary(run), shape: await eventShape(run.id) });
  });

  it('cancels a run, reaching the running step', async () => {
    const trace = 'cancel.trace';
    const id = await savePipeline(
      app,
      pipeline(
        'cancel',
        [
          { id: 'long', type: 't.sleep', params: { ms: 30_000, trace } },
          { id: 'next', type: 't.sleep' },
        ],
        ['long.value->next.after'],
      ),
    );
    const { id: runId } = await startRun(app, id);
    // Running, and inside its node code (the trace line is written there).
    await waitFor(
      () => getRun(app, runId),
      (run) => run.steps[0]?.status === 'running',
    );
    while ((await readTrace(join(dirs.dataRoot, trace))).length === 0) await new Promise((r) => setTimeout(r, 20));
    const reply = await app.inject({ method: 'POST', url: `/api/runs/${runId}/cancel`, headers: JSON_TYPE });
    expect(reply.statusCode).toBe(202);
    const run = await waitForRun(app, runId, 10_000);
    expect(run.status).toBe('cancelled');
    expect(run.steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    // The step saw its signal: it never reached its end.
    expect((await readTrace(join(dirs.dataRoot, trace))).map((t) => t.what)).toEqual(['start']);
    const again = await app.inject({ method: 'POST', url: `/api/runs/${runId}/cancel`, headers: JSON_TYPE });
    expect(again.statusCode).toBe(409);
  });

  it('reuses cached results in a second run, and runs everything with noCache', async () => {
    const trace = 'cache.trace';
    const id = await savePipeline(app, pipeline('cache', [{ id: 'a', type: 't.sleep', params: { trace } }]));
    await waitForRun(app, (await startRun(app, id)).id);
    const second = await waitForRun(app, (await startRun(app, id)).id);
    expect(second.steps[0]?.status).toBe('cached');
    const third = await waitForRun(app, (await startRun(app, id, { noCache: true })).id);
    expect(third.steps[0]?.status).toBe('succeeded');
    expect((await readTrace(join(dirs.dataRoot, trace))).filter((t) => t.what === 'start')).toHaveLength(2);
  });

  it('computes identical steps of concurrent runs once', async () => {
    const trace = 'shared.trace';
    const id = await savePipeline(app, pipeline('shared', [{ id: 'a', type: 't.sleep', params: { ms: 400, trace } }]));
    const [first, second] = await Promise.all([startRun(app, id), startRun(app, id)]);
    const runs = await Promise.all([waitForRun(app, first.id), waitForRun(app, second.id)]);
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect((await readTrace(join(dirs.dataRoot, trace))).filter((t) => t.what === 'start')).toHaveLength(1);
    expect(runs[0]?.steps[0]?.outputs).toEqual(runs[1]?.steps[0]?.outputs);
  });

  it('resumes a failed run after the document was fixed, keeping the steps that succeeded', async () => {
    const trace = 'resume.trace';
    const broken = pipeline(
      'resume',
      [
        { id: 'load', type: 't.sleep', params: { value: 5, trace } },
        { id: 'train', type: 't.fail' },
        { id: 'report', type: 't.sum' },
      ],
      ['load.value->train.after', 'train.value->report.values'],
    );
    const id = await savePipeline(app, broken);
    const failed = await waitForRun(app, (await startRun(app, id)).id);
    expect(failed.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped']);

    const fixed = structuredClone(broken);
    fixed.nodes[1] = { id: 'train', type: 't.sleep', version: '1.0.0', params: { value: 7, trace } };
    expect((await app.inject({ method: 'PUT', url: `/api/pipelines/${id}`, payload: fixed })).statusCode).toBe(200);
    const resumed = await app.inject({ method: 'POST', url: `/api/runs/${failed.id}/resume`, headers: JSON_TYPE });
    expect(resumed.statusCode).toBe(202);
    const run = await waitForRun(app, failed.id);
    expect(run.steps.map((s) => [s.id, s.status, s.failure?.message])).toEqual([
      ['load', 'succeeded', undefined],
      ['train', 'succeeded', undefined],
      ['report', 'succeeded', undefined],
    ]);
    expect(run.status).toBe('succeeded');
    expect(run.pipelineVersion).toBe(2);
    expect(run.resumeCount).toBe(1);
    expect(await outputValue(run, 'report')).toBe(7);
    expect((await readTrace(join(dirs.dataRoot, trace))).filter((t) => t.what === 'start').map((t) => t.step)).toEqual([
      'load',
      'train',
    ]);
    const kinds = (await events(run.id)).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'run.resumed')).toHaveLength(1);
    expect(
      (await app.inject({ method: 'POST', url: `/api/runs/${run.id}/resume`, headers: JSON_TYPE })).statusCode,
    ).toBe(409);
  });

  it('runs from a step downstream again, or one step only', async () => {
    const trace = 'select.trace';
    const id = await savePipeline(
      app,
      pipeline(
        'select',
        [
          { id: 'a', type: 't.sleep', params: { trace } },
          { id: 'b', type: 't.sleep', params: { trace } },
          { id: 'c', type: 't.sleep', params: { trace } },
        ],
        ['a.value->b.after', 'b.value->c.after'],
      ),
    );
    await waitForRun(app, (await startRun(app, id)).id);
    const from = await waitForRun(app, (await startRun(app, id, { fromStep: 'b' })).id);
    expect(from.steps.map((s) => s.status)).toEqual(['cached', 'succeeded', 'succeeded']);
    const only = await waitForRun(app, (await startRun(app, id, { onlyStep: 'b' })).id);
    expect(only.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'cached'],
      ['b', 'succeeded'],
    ]);
    const bad = await app.inject({ method: 'POST', url: `/api/pipelines/${id}/runs`, payload: { onlyStep: 'zz' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/no step "zz"/);
  });
});

describe('the two transports', () => {
  it('gave the same statuses, attempts and per-step event sequences', () => {
    expect(observed.size).toBeGreaterThan(0);
    for (const [name, byMode] of observed) {
      expect(byMode.get('bullmq'), name).toEqual(byMode.get('inline'));
    }
  });
});
