import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoomStore } from './loom-store.ts';
import { EventSource, newRun, pipelineDocument, plan, runId } from './test-fixtures/runs.ts';

let dir: string;
let store: LoomStore;
let clock: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-store-'));
  clock = Date.UTC(2026, 0, 1);
  // Each timestamp a minute after the last, so "most recently updated" never ties.
  const now = () => {
    clock += 60_000;
    return new Date(clock);
  };
  store = LoomStore.open(join(dir, 'state', 'loom.db'), { now });
});

afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pipelines', () => {
  it('numbers versions from 1 and returns any of them', () => {
    const first = store.createPipeline(pipelineDocument('iris', ['load']));
    expect(first.pipelineId).toMatch(/^[a-z2-7]{12}$/);
    expect(first.version).toBe(1);
    const second = store.savePipelineVersion(first.pipelineId, pipelineDocument('iris', ['load', 'train']));
    const third = store.savePipelineVersion(first.pipelineId, pipelineDocument('iris v3', ['load']));
    expect([second?.version, third?.version]).toEqual([2, 3]);

    expect(store.getPipeline(first.pipelineId, 1)).toEqual(first);
    expect(store.getPipeline(first.pipelineId, 2)?.document.nodes.map((node) => node.id)).toEqual(['load', 'train']);
    expect(store.getPipeline(first.pipelineId)).toEqual(third);
    expect(store.getPipeline(first.pipelineId, 4)).toBeUndefined();
    expect(store.listPipelineVersions(first.pipelineId)).toEqual([
      { version: 3, name: 'iris v3', createdAt: third?.createdAt },
      { version: 2, name: 'iris', createdAt: second?.createdAt },
      { version: 1, name: 'iris', createdAt: first.createdAt },
    ]);
  });

  it('lists the most recently updated first, named after the latest version', () => {
    const a = store.createPipeline(pipelineDocument('a', ['x']), { id: 'pipe-a' });
    store.createPipeline(pipelineDocument('b', ['x']), { id: 'pipe-b' });
    const a2 = store.savePipelineVersion('pipe-a', pipelineDocument('a renamed', ['x']));
    expect(store.listPipelines()).toEqual([
      { id: 'pipe-a', name: 'a renamed', latestVersion: 2, createdAt: a.createdAt, updatedAt: a2?.createdAt },
      expect.objectContaining({ id: 'pipe-b', name: 'b', latestVersion: 1 }),
    ]);
  });

  it('answers undefined for an unknown pipeline and refuses a taken id', () => {
    expect(store.savePipelineVersion('nope', pipelineDocument('x', []))).toBeUndefined();
    expect(store.getPipeline('nope')).toBeUndefined();
    expect(store.listPipelineVersions('nope')).toBeUndefined();
    store.createPipeline(pipelineDocument('x', []), { id: 'taken' });
    expect(() => store.createPipeline(pipelineDocument('y', []), { id: 'taken' })).toThrow(/already exists/);
    expect(store.getPipeline('taken')?.document.name).toBe('x');
  });

  it('deletes a pipeline with its versions but leaves its runs', () => {
    const { pipelineId } = store.createPipeline(pipelineDocument('gone', ['a']));
    store.savePipelineVersion(pipelineId, pipelineDocument('gone', ['a', 'b']));
    const run = newRun(runId(1), ['a', 'b'], { pipelineId, pipelineVersion: 2 });
    store.createRun(run);

    expect(store.deletePipeline(pipelineId)).toBe(true);
    expect(store.deletePipeline(pipelineId)).toBe(false);
    expect(store.getPipeline(pipelineId, 1)).toBeUndefined();
    expect(store.listPipelineVersions(pipelineId)).toBeUndefined();
    expect(store.listPipelines()).toEqual([]);
    expect(store.getRun(run.id)?.pipelineId).toBe(pipelineId);
    expect(store.getRunDefinition(run.id)).toEqual({
      document: run.document,
      plan: run.plan,
      options: run.options,
      pipelineVersion: 2,
    });
  });
});

describe('pipelineVersionFor (a document run by `loom run`)', () => {
  it('files a document under the pipeline of its name: a new one, the same version, or a new version', () => {
    const document = pipelineDocument('iris', ['load', 'train']);
    const created = store.pipelineVersionFor(document);
    expect(created).toMatchObject({ version: 1, document });
    expect(store.listPipelines().map((p) => p.id)).toEqual([created.pipelineId]);

    // The same document with its keys in another order is the same version.
    const reordered = { edges: [], nodes: document.nodes, name: 'iris', formatVersion: 2, format: 'loom.pipeline' };
    expect(store.pipelineVersionFor(reordered as typeof document)).toEqual(created);

    const changed = pipelineDocument('iris', ['load', 'train', 'report']);
    expect(store.pipelineVersionFor(changed)).toMatchObject({ pipelineId: created.pipelineId, version: 2 });
    expect(store.listPipelineVersions(created.pipelineId)?.map((v) => v.version)).toEqual([2, 1]);

    // Of two pipelines with the name, the one saved last.
    const other = store.createPipeline(pipelineDocument('iris', ['x']));
    expect(store.pipelineVersionFor(changed)).toMatchObject({ pipelineId: other.pipelineId, version: 2 });
    expect(store.pipelineVersionFor(pipelineDocument('digits', ['load']))).toMatchObject({ version: 1 });
    expect(store.listPipelines()).toHaveLength(3);
  });
});

describe('runs', () => {
  it('creates a queued run with a pending row per plan step, in plan order', () => {
    const run = store.createRun(newRun(runId(1), ['load', 'train', 'report']));
    expect(run).toEqual({
      id: runId(1),
      pipelineId: 'pipe',
      pipelineVersion: 1,
      pipelineName: 'demo',
      status: 'queued',
      options: { parameters: { epochs: 3 }, noCache: false },
      createdAt: '2026-03-01T12:00:00.000Z',
      lastSeq: 0,
      resumeCount: 0,
      source: 'server',
      steps: ['load', 'train', 'report'].map((id) => ({
        id,
        type: `test.${id}`,
        version: '1.0.0',
        title: id,
        status: 'pending',
        attempts: 0,
        metrics: {},
        outputs: {},
      })),
    });
    expect(() => store.createRun(newRun(runId(1), ['x']))).toThrow(/already exists/);
    expect(store.getRun('nope')).toBeUndefined();
    expect(store.getRunDefinition('nope')).toBeUndefined();
  });

  it('lists runs newest first, filtered, and pages with `before`', () => {
    for (let n = 1; n <= 5; n++) {
      store.createRun(newRun(runId(n), ['a', 'b'], { pipelineId: n % 2 === 0 ? 'even' : 'odd' }));
    }
    const events = new EventSource(runId(4));
    store.appendEvents([events.emit({ kind: 'run.started', pipeline: 'demo', stepCount: 2 }), ...events.succeed('a')]);

    const ids = (runs: { id: string }[]) => runs.map((run) => run.id);
    expect(ids(store.listRuns({}))).toEqual([5, 4, 3, 2, 1].map(runId));
    const page1 = store.listRuns({ limit: 2 });
    expect(ids(page1)).toEqual([runId(5), runId(4)]);
    const page2 = store.listRuns({ limit: 2, before: page1.at(-1)?.id ?? '' });
    expect(ids(page2)).toEqual([runId(3), runId(2)]);
    expect(ids(store.listRuns({ limit: 2, before: runId(2) }))).toEqual([runId(1)]);
    expect(ids(store.listRuns({ pipelineId: 'even' }))).toEqual([runId(4), runId(2)]);
    expect(ids(store.listRuns({ pipelineId: 'odd', before: runId(5) }))).toEqual([runId(3), runId(1)]);
    expect(ids(store.listRuns({ status: 'running' }))).toEqual([runId(4)]);

    const [running] = store.listRuns({ status: 'running' });
    expect(running).toMatchObject({ status: 'running', lastSeq: 7, stepCounts: { succeeded: 1, pending: 1 } });
    expect(running).not.toHaveProperty('steps');
    expect(running).not.toHaveProperty('options');
    expect(store.listRuns({ pipelineId: 'odd' })[0]?.stepCounts).toEqual({ pending: 2 });
  });

  it('lists the ids of runs in given statuses, oldest first', () => {
    for (let n = 1; n <= 4; n++) store.createRun(newRun(runId(n), ['a']));
    const start = (n: number) => {
      const events = new EventSource(runId(n));
      store.appendEvents([events.emit({ kind: 'run.started', pipeline: 'demo', stepCount: 1 })]);
      return events;
    };
    start(1);
    start(3);
    const finished = start(2);
    store.appendEvents([finished.emit({ kind: 'run.finished', status: 'succeeded', durationMs: 10 })]);

    expect(store.serverRunIdsWithStatus(['queued', 'running'])).toEqual([runId(1), runId(3), runId(4)]);
    expect(store.serverRunIdsWithStatus(['succeeded'])).toEqual([runId(2)]);
    expect(store.serverRunIdsWithStatus([])).toEqual([]);

    // A `loom run` drives its run in its own process: a server picks it up only once it resumed it.
    store.createRun(newRun(runId(5), ['a'], { source: 'cli' }));
    expect(store.getRunSummary(runId(5))?.source).toBe('cli');
    expect(store.serverRunIdsWithStatus(['queued'])).toEqual([runId(4)]);
    const cli = new EventSource(runId(5));
    store.appendEvents([cli.emit({ kind: 'run.resumed', reason: 'resume', reset: [] })]);
    expect(store.serverRunIdsWithStatus(['running'])).toEqual([runId(1), runId(3), runId(5)]);
    store.appendEvents([cli.emit({ kind: 'run.finished', status: 'succeeded', durationMs: 1 })]);
    expect(store.runCountsByStatus()).toEqual({ queued: 1, running: 2, succeeded: 2 });
    expect(store.stepCountsByStatus()).toEqual({ pending: 5 });
  });

  it('replaces the plan of a run: keeps surviving steps, adds new ones, drops removed ones', () => {
    store.createRun(newRun(runId(1), ['load', 'clean', 'train']));
    const events = new EventSource(runId(1));
    store.appendEvents([
      events.emit({ kind: 'run.started', pipeline: 'demo', stepCount: 3 }),
      ...events.succeed('load'),
      events.emit({ kind: 'step.queued', stepId: 'train', attempt: 1 }),
      events.emit({
        kind: 'step.failed',
        stepId: 'train',
        attempt: 1,
        durationMs: 5,
        failure: { reason: 'error', message: 'boom' },
      }),
      events.emit({ kind: 'run.finished', status: 'failed', durationMs: 20 }),
    ]);
    const before = store.getRun(runId(1));

    const nextPlan = plan('demo fixed', ['scale', 'load', 'train']);
    const nextDocument = pipelineDocument('demo fixed', ['scale', 'load', 'train']);
    store.replaceRunPlan(runId(1), { pipelineVersion: 2, document: nextDocument, plan: nextPlan });

    const after = store.getRun(runId(1));
    expect(after?.steps.map((step) => [step.id, step.status])).toEqual([
      ['scale', 'pending'],
      ['load', 'succeeded'],
      ['train', 'failed'],
    ]);
    expect(after?.steps[1]).toEqual(before?.steps[0]);
    expect(after).toMatchObject({ pipelineVersion: 2, pipelineName: 'demo fixed', status: 'failed', lastSeq: 10 });
    expect(store.getRunDefinition(runId(1))).toMatchObject({
      pipelineVersion: 2,
      document: nextDocument,
      plan: nextPlan,
    });
    // The history stays whole, removed step included.
    expect(store.eventsAfter(runId(1), 0)).toHaveLength(10);
    expect(() => store.replaceRunPlan('nope', { pipelineVersion: 1, document: nextDocument, plan: nextPlan })).toThrow(
      /no such run/,
    );
  });

  it('reads a step’s curve points back from its events, the latest attempt’s even when a resume numbers it 1 again', () => {
    store.createRun(newRun(runId(1), ['train', 'other']));
    const events = new EventSource(runId(1));
    const curve = (attempt: number, values: number[]) =>
      values.map((value, i) =>
        events.emit({ kind: 'step.metric', stepId: 'train', attempt, name: 'loss', value, step: i + 1 }),
      );
    store.appendEvents([
      events.emit({ kind: 'run.started', pipeline: 'demo', stepCount: 2 }),
      events.emit({ kind: 'step.queued', stepId: 'train', attempt: 1 }),
      ...curve(1, [0.9, 0.5]),
      // Not curve points: a metric without a step, and another step's point.
      events.emit({ kind: 'step.metric', stepId: 'train', attempt: 1, name: 'iterations', value: 2 }),
      events.emit({ kind: 'step.metric', stepId: 'other', attempt: 1, name: 'loss', value: 7, step: 1 }),
      events.emit({
        kind: 'step.failed',
        stepId: 'train',
        attempt: 1,
        durationMs: 5,
        failure: { reason: 'error', message: 'boom' },
      }),
      events.emit({ kind: 'run.finished', status: 'failed', durationMs: 20 }),
      events.emit({ kind: 'run.resumed', reason: 'resume', reset: ['train'] }),
      events.emit({ kind: 'step.queued', stepId: 'train', attempt: 1 }),
      ...curve(1, [0.8, 0.4, 0.2]),
    ]);
    const steps = (points: Array<{ step: number; value: number; attempt: number }>) =>
      points.map((point) => [point.attempt, point.step, point.value]);
    expect(steps(store.stepMetricPoints(runId(1), 'train'))).toEqual([
      [1, 1, 0.9],
      [1, 2, 0.5],
      [1, 1, 0.8],
      [1, 2, 0.4],
      [1, 3, 0.2],
    ]);
    expect(steps(store.stepMetricPoints(runId(1), 'train', { latest: true }))).toEqual([
      [1, 1, 0.8],
      [1, 2, 0.4],
      [1, 3, 0.2],
    ]);
    expect(store.stepMetricPoints(runId(1), 'train', { attempt: 2 })).toEqual([]);
    expect(store.stepMetricPoints(runId(1), 'nope')).toEqual([]);
  });

  it('keeps everything across a close and a reopen', () => {
    const path = join(dir, 'state', 'loom.db');
    const { pipelineId } = store.createPipeline(pipelineDocument('kept', ['a', 'b']));
    store.savePipelineVersion(pipelineId, pipelineDocument('kept', ['a', 'b', 'c']));
    store.createRun(newRun(runId(1), ['a', 'b'], { pipelineId }));
    const events = new EventSource(runId(1));
    const emitted = [events.emit({ kind: 'run.started', pipeline: 'demo', stepCount: 2 }), ...events.succeed('a')];
    store.appendEvents(emitted);
    const snapshot = {
      pipelines: store.listPipelines(),
      versions: store.listPipelineVersions(pipelineId),
      v1: store.getPipeline(pipelineId, 1),
      run: store.getRun(runId(1)),
      definition: store.getRunDefinition(runId(1)),
      logs: store.stepLogs(runId(1), 'a'),
    };
    store.close();

    store = LoomStore.open(path);
    expect({
      pipelines: store.listPipelines(),
      versions: store.listPipelineVersions(pipelineId),
      v1: store.getPipeline(pipelineId, 1),
      run: store.getRun(runId(1)),
      definition: store.getRunDefinition(runId(1)),
      logs: store.stepLogs(runId(1), 'a'),
    }).toEqual(snapshot);
    expect(store.eventsAfter(runId(1), 0)).toEqual(emitted);
  });

  it('works in memory', () => {
    const memory = LoomStore.open(':memory:');
    try {
      memory.createRun(newRun(runId(1), ['a']));
      expect(memory.getRun(runId(1))?.status).toBe('queued');
    } finally {
      memory.close();
    }
  });
});
