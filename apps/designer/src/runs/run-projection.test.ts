import type { RunEvent } from '@loom/runtime';
import type { StoredRun, StoredStep } from '@loom/server/api-types';
import { describe, expect, it } from 'vitest';
import { applyRunEvents, countsSummary, inProgress, runViewFromSnapshot, stepCounts } from './run-projection.ts';
import { curveSeries } from './training-curves.ts';

function step(id: string): StoredStep {
  return { id, type: 't', version: '1.0.0', title: id, status: 'pending', attempts: 0, metrics: {}, outputs: {} };
}

function snapshot(): StoredRun {
  return {
    id: 'r1',
    pipelineId: 'p',
    pipelineVersion: 1,
    pipelineName: 'p',
    status: 'queued',
    createdAt: '2026-11-26T00:00:00.000Z',
    lastSeq: 0,
    resumeCount: 0,
    source: 'server',
    options: { parameters: {}, noCache: false },
    steps: [step('a'), step('b')],
  };
}

let seq = 0;
const at = '2026-11-26T00:00:01.000Z';
function event(body: Record<string, unknown>): RunEvent {
  return { runId: 'r1', seq: ++seq, at, ...body } as RunEvent;
}

describe('run projection', () => {
  it('folds a run from start to finish', () => {
    seq = 0;
    const output = { type: 'table', storage: 'file' as const, sha256: 'ab', size: 3 };
    const events = [
      event({ kind: 'run.started', pipeline: 'p', stepCount: 2 }),
      event({ kind: 'step.queued', stepId: 'a', attempt: 1 }),
      event({ kind: 'step.started', stepId: 'a', attempt: 1 }),
      event({ kind: 'step.progress', stepId: 'a', attempt: 1, fraction: 0.5 }),
      event({ kind: 'step.metric', stepId: 'a', attempt: 1, name: 'loss', value: 0.3 }),
      event({
        kind: 'step.succeeded',
        stepId: 'a',
        attempt: 1,
        durationMs: 5,
        contentKey: 'k',
        outputs: { t: output },
        metrics: { loss: 0.2 },
      }),
      event({ kind: 'step.cached', stepId: 'b', contentKey: 'k2', outputs: {}, metrics: {}, fromRunId: 'r0' }),
      event({ kind: 'run.finished', status: 'succeeded', durationMs: 9 }),
    ];
    const view = applyRunEvents(runViewFromSnapshot(snapshot()), events);
    expect(view.run).toMatchObject({ status: 'succeeded', lastSeq: 8, durationMs: 9 });
    expect(view.steps.a).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      metrics: { loss: 0.2 },
      outputs: { t: output },
    });
    expect(view.steps.b).toMatchObject({ status: 'cached', cachedFromRun: 'r0' });
    expect(stepCounts(view)).toMatchObject({ succeeded: 1, cached: 1, pending: 0 });
  });

  it('ignores events it has already applied, so a replay after a reconnect changes nothing', () => {
    seq = 0;
    const first = [
      event({ kind: 'run.started', pipeline: 'p', stepCount: 2 }),
      event({ kind: 'step.queued', stepId: 'a', attempt: 1 }),
    ];
    const view = applyRunEvents(runViewFromSnapshot(snapshot()), first);
    expect(applyRunEvents(view, first)).toBe(view);
  });

  it('a resume resets the steps it names and keeps the others', () => {
    seq = 0;
    const events = [
      event({ kind: 'run.started', pipeline: 'p', stepCount: 2 }),
      event({
        kind: 'step.succeeded',
        stepId: 'a',
        attempt: 1,
        durationMs: 5,
        contentKey: 'k',
        outputs: {},
        metrics: {},
      }),
      event({ kind: 'step.queued', stepId: 'b', attempt: 1 }),
      event({
        kind: 'step.failed',
        stepId: 'b',
        attempt: 1,
        durationMs: 5,
        failure: { reason: 'error', message: 'boom' },
      }),
      event({ kind: 'run.finished', status: 'failed', durationMs: 9 }),
      event({ kind: 'run.resumed', reason: 'resume', reset: ['b'] }),
    ];
    const view = applyRunEvents(runViewFromSnapshot(snapshot()), events);
    expect(view.run.status).toBe('running');
    expect(view.run.resumeCount).toBe(1);
    expect(view.run).not.toHaveProperty('finishedAt');
    expect(view.steps.a?.status).toBe('succeeded');
    expect(view.steps.b?.status).toBe('pending');
    expect(view.steps.b).not.toHaveProperty('failure');
    expect(view.steps.b?.attempts).toBe(1);
  });
});

describe('run projection: curves', () => {
  const metric = (stepId: string, attempt: number, name: string, value: number, step?: number) =>
    event({ kind: 'step.metric', stepId, attempt, name, value, ...(step === undefined ? {} : { step }) });
  const lossOf = (view: ReturnType<typeof applyRunEvents>, stepId: string) =>
    curveSeries(view.curves?.[stepId]).find((series) => series.name === 'loss')?.y;

  it('draws every point of a metric reported with a step, while the step card keeps the latest value', () => {
    seq = 0;
    const losses = [0.9, 0.7, 0.5, 0.4];
    const view = applyRunEvents(runViewFromSnapshot(snapshot()), [
      event({ kind: 'run.started', pipeline: 'p', stepCount: 2 }),
      event({ kind: 'step.queued', stepId: 'a', attempt: 1 }),
      event({ kind: 'step.started', stepId: 'a', attempt: 1 }),
      ...losses.map((value, i) => metric('a', 1, 'loss', value, i + 1)),
      metric('a', 1, 'validation_loss', 0.8, 2),
      // A plain metric is a number on the card, not a curve.
      metric('a', 1, 'iterations', 4),
    ]);
    expect(view.steps.a?.status).toBe('running');
    expect(view.steps.a?.metrics).toEqual({ loss: 0.4, validation_loss: 0.8, iterations: 4 });
    expect(curveSeries(view.curves?.a)).toEqual([
      { name: 'loss', x: [1, 2, 3, 4], y: losses },
      { name: 'validation_loss', x: [2], y: [0.8] },
    ]);
    expect(view.curves?.b).toBeUndefined();
  });

  it('grows the curve batch by batch as events stream in, and a replayed batch changes nothing', () => {
    seq = 0;
    let view = applyRunEvents(runViewFromSnapshot(snapshot()), [
      event({ kind: 'run.started', pipeline: 'p', stepCount: 2 }),
      event({ kind: 'step.queued', stepId: 'a', attempt: 1 }),
    ]);
    const lengths: number[] = [];
    for (let batch = 0; batch < 5; batch++) {
      const events = [1, 2, 3].map((n) => metric('a', 1, 'loss', 1 / (batch * 3 + n), batch * 3 + n));
      view = applyRunEvents(view, events);
      lengths.push(lossOf(view, 'a')?.length ?? 0);
      expect(applyRunEvents(view, events)).toBe(view);
    }
    expect(lengths).toEqual([3, 6, 9, 12, 15]);
  });

  it('starts the curve again for a retry and for a resumed step', () => {
    seq = 0;
    const retried = applyRunEvents(runViewFromSnapshot(snapshot()), [
      event({ kind: 'run.started', pipeline: 'p', stepCount: 2 }),
      event({ kind: 'step.queued', stepId: 'a', attempt: 1 }),
      metric('a', 1, 'loss', 0.9, 1),
      metric('a', 1, 'loss', 0.8, 2),
      event({ kind: 'step.queued', stepId: 'a', attempt: 2 }),
      metric('a', 2, 'loss', 0.6, 1),
    ]);
    expect(lossOf(retried, 'a')).toEqual([0.6]);

    const resumed = applyRunEvents(retried, [
      event({
        kind: 'step.failed',
        stepId: 'a',
        attempt: 2,
        durationMs: 5,
        failure: { reason: 'error', message: 'x' },
      }),
      event({ kind: 'run.finished', status: 'failed', durationMs: 9 }),
      event({ kind: 'run.resumed', reason: 'resume', reset: ['a'] }),
    ]);
    expect(curveSeries(resumed.curves?.a)).toEqual([]);
    // A resume numbers attempts from 1 again: the new attempt's points are the curve, the old ones gone.
    const again = applyRunEvents(resumed, [
      event({ kind: 'step.queued', stepId: 'a', attempt: 1 }),
      metric('a', 1, 'loss', 0.3, 1),
    ]);
    expect(lossOf(again, 'a')).toEqual([0.3]);
  });
});

describe('inProgress', () => {
  it('holds for queued and running only', () => {
    const statuses = ['pending', 'queued', 'running', 'succeeded', 'failed', 'cached', 'cancelled', 'skipped'] as const;
    expect(statuses.filter((status) => inProgress(status))).toEqual(['queued', 'running']);
    expect(inProgress(undefined)).toBe(false);
  });
});

describe('countsSummary', () => {
  const zero = { pending: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cached: 0, cancelled: 0, skipped: 0 };

  it('says what went wrong once a run ended, not "5/5"', () => {
    expect(countsSummary({ ...zero, failed: 1, skipped: 4 }, 5, false)).toBe('1 failed, 4 skipped');
    expect(countsSummary({ ...zero, succeeded: 2, cached: 1, failed: 1, skipped: 1 }, 5, false)).toBe(
      '3 done, 1 failed, 1 skipped',
    );
    expect(countsSummary({ ...zero, succeeded: 2, cancelled: 1, pending: 2 }, 5, false)).toBe(
      '2 done, 1 cancelled, 2 not run',
    );
  });

  it('counts finished steps while running, and when all went well', () => {
    expect(countsSummary({ ...zero, succeeded: 2, failed: 1, running: 2 }, 5, true)).toBe('3/5');
    expect(countsSummary({ ...zero, succeeded: 4, cached: 1 }, 5, false)).toBe('5/5');
  });
});
