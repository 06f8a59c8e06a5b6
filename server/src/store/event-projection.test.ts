import type { RunEvent } from '@loom/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoomStore } from './loom-store.ts';
import { EventSource, newRun, output, runId } from './test-fixtures/runs.ts';

let store: LoomStore;
const RUN = runId(1);
const STEPS = ['load', 'features', 'train', 'report', 'export'];

beforeEach(() => {
  store = LoomStore.open(':memory:');
  store.createRun(newRun(RUN, STEPS));
});

afterEach(() => {
  store.close();
});

const stepOf = (id: string) => store.getRun(RUN)?.steps.find((step) => step.id === id);
const boom = { reason: 'error', message: 'out of memory', detail: 'Error: out of memory\n  at train' } as const;

/**
 * A first run that fails: `load` succeeds, `features` comes from the cache, `train` fails once, is
 * retried and fails again, `report` is skipped for it, and `export` is cancelled while it runs.
 */
function failingRun(events: EventSource): RunEvent[] {
  return [
    events.emit({ kind: 'run.started', pipeline: 'demo', stepCount: STEPS.length }),
    ...events.succeed('load'),
    events.emit({
      kind: 'step.cached',
      stepId: 'features',
      contentKey: 'content-features',
      outputs: { out: output('features') },
      metrics: { columns: 12 },
      fromRunId: 'older-run',
    }),
    events.emit({ kind: 'step.queued', stepId: 'train', attempt: 1 }),
    events.emit({ kind: 'step.queued', stepId: 'export', attempt: 1 }),
    events.emit({ kind: 'step.started', stepId: 'train', attempt: 1 }),
    events.emit({ kind: 'step.started', stepId: 'export', attempt: 1 }),
    events.emit({ kind: 'step.log', stepId: 'train', attempt: 1, level: 'warn', message: 'memory is low' }),
    events.emit({ kind: 'step.metric', stepId: 'train', attempt: 1, name: 'loss', value: 0.9, step: 1 }),
    events.emit({ kind: 'step.retrying', stepId: 'train', attempt: 1, failure: boom, delayMs: 10 }),
    events.emit({ kind: 'step.queued', stepId: 'train', attempt: 2 }),
    events.emit({ kind: 'step.started', stepId: 'train', attempt: 2 }),
    events.emit({ kind: 'step.progress', stepId: 'train', attempt: 2, fraction: 0.25 }),
    events.emit({ kind: 'step.metric', stepId: 'train', attempt: 2, name: 'loss', value: 0.7 }),
    events.emit({ kind: 'step.metric', stepId: 'train', attempt: 2, name: 'acc.top-1 "strict"', value: 0.5 }),
    events.emit({
      kind: 'step.log',
      stepId: 'train',
      attempt: 2,
      level: 'error',
      message: 'dying',
      fields: { rss: 9 },
    }),
    events.emit({ kind: 'step.failed', stepId: 'train', attempt: 2, durationMs: 2500, failure: boom }),
    events.emit({ kind: 'step.skipped', stepId: 'report', because: 'train failed' }),
    events.emit({ kind: 'step.cancelled', stepId: 'export' }),
    events.emit({ kind: 'run.finished', status: 'failed', durationMs: 9000 }),
  ];
}

describe('projection of run events', () => {
  it('follows a run through success, cache, retries, failure, skip and cancel', () => {
    const events = new EventSource(RUN);
    const emitted = failingRun(events);
    store.appendEvents(emitted);
    const at = (seq: number) => emitted[seq - 1]?.at;

    expect(store.getRun(RUN)).toMatchObject({
      status: 'failed',
      startedAt: at(1),
      finishedAt: at(25),
      durationMs: 9000,
      lastSeq: 25,
      resumeCount: 0,
    });
    expect(stepOf('load')).toEqual({
      id: 'load',
      type: 'test.load',
      version: '1.0.0',
      title: 'load',
      status: 'succeeded',
      attempts: 1,
      startedAt: at(3),
      finishedAt: at(7),
      durationMs: 1500,
      progress: { fraction: 0.5, message: 'halfway' },
      metrics: { loss: 0.25 },
      outputs: { out: output('load') },
      contentKey: 'content-load',
    });
    expect(stepOf('features')).toMatchObject({
      status: 'cached',
      attempts: 0,
      outputs: { out: output('features') },
      metrics: { columns: 12 },
      contentKey: 'content-features',
      cachedFromRun: 'older-run',
      finishedAt: at(8),
    });
    expect(stepOf('train')).toEqual({
      id: 'train',
      type: 'test.train',
      version: '1.0.0',
      title: 'train',
      status: 'failed',
      attempts: 2,
      startedAt: at(17),
      finishedAt: at(22),
      durationMs: 2500,
      progress: { fraction: 0.25 },
      // The latest value of each metric, names taken as they are.
      metrics: { loss: 0.7, 'acc.top-1 "strict"': 0.5 },
      outputs: {},
      failure: boom,
    });
    expect(stepOf('report')).toMatchObject({ status: 'skipped', skippedBecause: 'train failed', attempts: 0 });
    expect(stepOf('export')).toMatchObject({ status: 'cancelled', attempts: 1, finishedAt: at(24) });

    expect(store.stepLogs(RUN, 'train')).toEqual([
      { seq: 13, attempt: 1, level: 'warn', message: 'memory is low', at: at(13) },
      { seq: 21, attempt: 2, level: 'error', message: 'dying', fields: { rss: 9 }, at: at(21) },
    ]);
    expect(store.stepLogs(RUN, 'train', 2).map((entry) => entry.seq)).toEqual([21]);
    expect(store.stepLogs(RUN, 'load')).toEqual([
      { seq: 6, attempt: 1, level: 'info', message: 'load ran', fields: { attempt: 1 }, at: at(6) },
    ]);
    expect(store.stepCountsByStatus()).toEqual({ succeeded: 1, cached: 1, failed: 1, skipped: 1, cancelled: 1 });
  });

  it('resets the steps a resume names and runs them again', () => {
    const events = new EventSource(RUN);
    store.appendEvents(failingRun(events));
    const load = stepOf('load');

    const resumed = events.emit({ kind: 'run.resumed', reason: 'resume', reset: ['train', 'report', 'export'] });
    store.appendEvents([resumed]);
    expect(store.getRun(RUN)).toMatchObject({ status: 'running', resumeCount: 1, lastSeq: 26 });
    expect(store.getRun(RUN)).not.toHaveProperty('finishedAt');
    expect(store.getRun(RUN)).not.toHaveProperty('durationMs');
    // Attempts go on counting; what the failed attempt left is gone.
    expect(stepOf('train')).toEqual({
      id: 'train',
      type: 'test.train',
      version: '1.0.0',
      title: 'train',
      status: 'pending',
      attempts: 2,
      metrics: {},
      outputs: {},
    });
    expect(stepOf('report')).toMatchObject({ status: 'pending' });
    expect(stepOf('report')).not.toHaveProperty('skippedBecause');
    expect(stepOf('export')).toMatchObject({ status: 'pending', attempts: 1 });
    expect(stepOf('export')).not.toHaveProperty('finishedAt');
    expect(stepOf('load')).toEqual(load);

    store.appendEvents([
      ...events.succeed('train', 3),
      ...events.succeed('report'),
      ...events.succeed('export', 2),
      events.emit({ kind: 'run.finished', status: 'succeeded', durationMs: 4000 }),
    ]);
    expect(store.getRun(RUN)).toMatchObject({ status: 'succeeded', durationMs: 4000, resumeCount: 1 });
    expect(stepOf('train')).toMatchObject({ status: 'succeeded', attempts: 3, metrics: { loss: 0.25 } });
    expect(stepOf('train')).not.toHaveProperty('failure');
    expect(store.stepLogs(RUN, 'train').map((entry) => entry.attempt)).toEqual([1, 2, 3]);
    expect(store.getRun(RUN)?.steps.map((step) => step.status)).toEqual([
      'succeeded',
      'cached',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
  });

  it('ignores replayed events: same state, no duplicated logs, a resume counted once', () => {
    const events = new EventSource(RUN);
    const emitted = [...failingRun(events), events.emit({ kind: 'run.resumed', reason: 'restart', reset: [] })];
    store.appendEvents(emitted);
    const state = { run: store.getRun(RUN), logs: store.stepLogs(RUN, 'train'), events: store.eventsAfter(RUN, 0) };

    store.appendEvents(emitted);
    store.appendEvents(emitted.slice(10, 20));
    store.appendEvents([...emitted.slice(-3), ...emitted.slice(-3)]);
    expect({ run: store.getRun(RUN), logs: store.stepLogs(RUN, 'train'), events: store.eventsAfter(RUN, 0) }).toEqual(
      state,
    );
    expect(state.run?.resumeCount).toBe(1);
  });

  it('returns events as emitted, after a seq, at most `limit`', () => {
    const events = new EventSource(RUN);
    const emitted = failingRun(events);
    store.appendEvents(emitted);
    expect(store.eventsAfter(RUN, 0)).toEqual(emitted);
    expect(store.eventsAfter(RUN, 20)).toEqual(emitted.slice(20));
    expect(store.eventsAfter(RUN, 3, 2)).toEqual(emitted.slice(3, 5));
    expect(store.eventsAfter(RUN, 25)).toEqual([]);
    expect(store.eventsAfter('other', 0)).toEqual([]);
  });

  it('stores nothing of a batch that names an unknown run', () => {
    const events = new EventSource(RUN);
    const stranger = new EventSource('nope').emit({ kind: 'run.started', pipeline: 'x', stepCount: 0 });
    expect(() =>
      store.appendEvents([events.emit({ kind: 'run.started', pipeline: 'demo', stepCount: 5 }), stranger]),
    ).toThrow(/no such run/);
    expect(store.getRun(RUN)).toMatchObject({ status: 'queued', lastSeq: 0 });
    expect(store.eventsAfter(RUN, 0)).toEqual([]);
  });

  it('keeps the events of a step the run does not have without projecting them', () => {
    const events = new EventSource(RUN);
    const before = store.getRun(RUN);
    store.appendEvents([
      events.emit({ kind: 'step.queued', stepId: 'ghost', attempt: 1 }),
      events.emit({ kind: 'step.metric', stepId: 'ghost', attempt: 1, name: 'x', value: 1 }),
    ]);
    expect(store.getRun(RUN)).toEqual({ ...before, lastSeq: 2 });
    expect(store.eventsAfter(RUN, 0)).toHaveLength(2);
  });
});
