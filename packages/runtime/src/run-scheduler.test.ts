import type { Plan } from '@loom/compiler';
import type { RetryPolicy } from '@loom/sdk';
import { describe, expect, it } from 'vitest';
import type { OutputRecord } from './output-record.ts';
import type { StepFailure } from './run-events.ts';
import { RunScheduler, type SchedulerCommand } from './run-scheduler.ts';
import { compilePlan, type DocNode, fixtureRegistry, pipeline } from './test-fixtures/harness.ts';

const registry = fixtureRegistry();

function planOf(nodes: DocNode[], edges: Array<[string, string]> = [], retry: Partial<RetryPolicy> = {}): Plan {
  const plan = compilePlan(pipeline(nodes, edges), registry);
  return { ...plan, steps: plan.steps.map((step) => ({ ...step, retry: { ...step.retry, ...retry } })) };
}

const emit = (id: string): DocNode => ({ id, type: 'fixture.emit', params: { value: id } });
const after = (id: string): DocNode => ({ id, type: 'fixture.sleep', params: { ms: 0 } });
const sum = (id: string): DocNode => ({ id, type: 'fixture.sum' });

/** a → b → d ← c: b waits for a, d waits for b and c (fan-in). */
function diamond(retry: Partial<RetryPolicy> = {}): Plan {
  return planOf(
    [emit('a'), after('b'), emit('c'), sum('d')],
    [
      ['a.value', 'b.after'],
      ['b.value', 'd.values'],
      ['c.value', 'd.values'],
    ],
    retry,
  );
}

function outputs(tag: string): Record<string, OutputRecord> {
  return { value: { type: 'json', storage: 'json', sha256: tag.repeat(64).slice(0, 64), size: 1 } };
}

const boom: StepFailure = { reason: 'error', message: 'boom' };
const cancelled: StepFailure = { reason: 'cancelled', message: 'cancelled' };

function succeeded(s: RunScheduler, stepId: string, attempt = 1): SchedulerCommand[] {
  return s.handle({
    kind: 'attempt-succeeded',
    stepId,
    attempt,
    durationMs: 1,
    contentKey: `key-${stepId}`,
    outputs: outputs(stepId),
    metrics: {},
  });
}

function failed(
  s: RunScheduler,
  stepId: string,
  attempt: number,
  retryable = true,
  failure = boom,
): SchedulerCommand[] {
  return s.handle({ kind: 'attempt-failed', stepId, attempt, durationMs: 2, failure, retryable });
}

/** Takes a step from resolving to succeeded on its first attempt; returns the last commands. */
function runToSuccess(s: RunScheduler, stepId: string): SchedulerCommand[] {
  s.handle({ kind: 'cache-miss', stepId });
  s.handle({ kind: 'attempt-started', stepId, attempt: 1 });
  return succeeded(s, stepId);
}

const emitted = (commands: SchedulerCommand[]) =>
  commands
    .flatMap((c) => (c.kind === 'emit' ? [c.event] : []))
    .map((e) => ('stepId' in e ? `${e.kind}:${e.stepId}` : e.kind));

describe('RunScheduler', () => {
  it('resolves only the steps whose inputs are ready, in plan order, once', () => {
    const s = new RunScheduler(diamond());
    expect(s.handle({ kind: 'start' })).toEqual([
      { kind: 'resolve', stepId: 'a' },
      { kind: 'resolve', stepId: 'c' },
    ]);
    expect(s.status('b')).toBe('pending');
    expect(s.status('d')).toBe('pending');
    expect(s.handle({ kind: 'start' })).toEqual([]);
    expect(s.finished).toBe(false);
  });

  it('marks a cache hit cached, keeps its outputs and resolves its dependents', () => {
    const s = new RunScheduler(diamond());
    s.handle({ kind: 'start' });
    const commands = s.handle({
      kind: 'cache-hit',
      stepId: 'a',
      contentKey: 'key-a',
      outputs: outputs('a'),
      metrics: { m: 1 },
      fromRunId: 'run-0',
    });
    expect(commands).toEqual([
      {
        kind: 'emit',
        event: {
          kind: 'step.cached',
          stepId: 'a',
          contentKey: 'key-a',
          outputs: outputs('a'),
          metrics: { m: 1 },
          fromRunId: 'run-0',
        },
      },
      { kind: 'resolve', stepId: 'b' },
    ]);
    expect(s.status('a')).toBe('cached');
    expect(s.outputs('a')).toEqual(outputs('a'));
  });

  it('queues a cache miss and dispatches attempt 1 at once, then follows it to success', () => {
    const s = new RunScheduler(diamond());
    s.handle({ kind: 'start' });
    expect(s.handle({ kind: 'cache-miss', stepId: 'a' })).toEqual([
      { kind: 'emit', event: { kind: 'step.queued', stepId: 'a', attempt: 1 } },
      { kind: 'dispatch', stepId: 'a', attempt: 1, delayMs: 0 },
    ]);
    expect(s.status('a')).toBe('queued');
    expect(s.handle({ kind: 'attempt-started', stepId: 'a', attempt: 1 })).toEqual([
      { kind: 'emit', event: { kind: 'step.started', stepId: 'a', attempt: 1 } },
    ]);
    expect(s.status('a')).toBe('running');
    expect(succeeded(s, 'a')).toEqual([
      {
        kind: 'emit',
        event: {
          kind: 'step.succeeded',
          stepId: 'a',
          attempt: 1,
          durationMs: 1,
          contentKey: 'key-a',
          outputs: outputs('a'),
          metrics: {},
        },
      },
      { kind: 'resolve', stepId: 'b' },
    ]);
    expect(s.status('a')).toBe('succeeded');
    expect(s.outputs('a')).toEqual(outputs('a'));
  });

  it('waits for every input of a fan-in step and finishes once all steps are done', () => {
    const s = new RunScheduler(diamond());
    s.handle({ kind: 'start' });
    runToSuccess(s, 'a');
    const afterB = runToSuccess(s, 'b');
    expect(afterB.filter((c) => c.kind === 'resolve')).toEqual([]);
    expect(s.status('d')).toBe('pending');
    const afterC = runToSuccess(s, 'c');
    expect(afterC.at(-1)).toEqual({ kind: 'resolve', stepId: 'd' });
    const last = runToSuccess(s, 'd');
    expect(last.at(-1)).toEqual({ kind: 'finished', status: 'succeeded' });
    expect(s.finished).toBe(true);
    expect(s.handle({ kind: 'cancel' })).toEqual([]);
  });

  it('accepts a success reported without a started message (attempt still queued)', () => {
    const s = new RunScheduler(planOf([emit('a')]));
    s.handle({ kind: 'start' });
    s.handle({ kind: 'cache-miss', stepId: 'a' });
    expect(emitted(succeeded(s, 'a'))).toEqual(['step.succeeded:a']);
    expect(s.finished).toBe(true);
  });

  it('retries with exponential backoff capped at maxBackoffMs, then fails after the last attempt', () => {
    const s = new RunScheduler(planOf([emit('a')], [], { retries: 3, backoffMs: 100, maxBackoffMs: 250 }));
    s.handle({ kind: 'start' });
    s.handle({ kind: 'cache-miss', stepId: 'a' });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      s.handle({ kind: 'attempt-started', stepId: 'a', attempt });
      const commands = failed(s, 'a', attempt);
      const delayMs = [100, 200, 250][attempt - 1];
      expect(commands).toEqual([
        { kind: 'emit', event: { kind: 'step.retrying', stepId: 'a', attempt, failure: boom, delayMs } },
        { kind: 'emit', event: { kind: 'step.queued', stepId: 'a', attempt: attempt + 1 } },
        { kind: 'dispatch', stepId: 'a', attempt: attempt + 1, delayMs },
      ]);
      expect(s.status('a')).toBe('queued');
      delays.push(delayMs as number);
    }
    expect(delays).toEqual([100, 200, 250]);
    s.handle({ kind: 'attempt-started', stepId: 'a', attempt: 4 });
    expect(failed(s, 'a', 4)).toEqual([
      { kind: 'emit', event: { kind: 'step.failed', stepId: 'a', attempt: 4, durationMs: 2, failure: boom } },
      { kind: 'finished', status: 'failed' },
    ]);
    expect(s.status('a')).toBe('failed');
  });

  it('uses backoffMs * 2^(attempt-1) while it stays under the cap', () => {
    const s = new RunScheduler(planOf([emit('a')], [], { retries: 5, backoffMs: 10, maxBackoffMs: 60_000 }));
    s.handle({ kind: 'start' });
    s.handle({ kind: 'cache-miss', stepId: 'a' });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      for (const command of failed(s, 'a', attempt)) if (command.kind === 'dispatch') delays.push(command.delayMs);
    }
    expect(delays).toEqual([10, 20, 40, 80, 160]);
  });

  it('fails at once when the failure is not retryable, whatever the policy', () => {
    const s = new RunScheduler(planOf([emit('a')], [], { retries: 5 }));
    s.handle({ kind: 'start' });
    s.handle({ kind: 'cache-miss', stepId: 'a' });
    s.handle({ kind: 'attempt-started', stepId: 'a', attempt: 1 });
    expect(emitted(failed(s, 'a', 1, false))).toEqual(['step.failed:a']);
    expect(s.finished).toBe(true);
  });

  it('fails at once with no retries in the policy', () => {
    const s = new RunScheduler(planOf([emit('a')], [], { retries: 0 }));
    s.handle({ kind: 'start' });
    s.handle({ kind: 'cache-miss', stepId: 'a' });
    expect(failed(s, 'a', 1, true).map((c) => c.kind)).toEqual(['emit', 'finished']);
    expect(s.status('a')).toBe('failed');
  });

  it('skips every transitive dependent of a failed step while an independent branch runs to the end', () => {
    // a → b → c, a → d, (a, x) → e; x → y is independent.
    const plan = planOf(
      [emit('a'), after('b'), after('c'), after('d'), emit('x'), after('y'), sum('e')],
      [
        ['a.value', 'b.after'],
        ['b.value', 'c.after'],
        ['a.value', 'd.after'],
        ['x.value', 'y.after'],
        ['a.value', 'e.values'],
        ['x.value', 'e.values'],
      ],
    );
    const s = new RunScheduler(plan);
    expect(s.handle({ kind: 'start' })).toEqual([
      { kind: 'resolve', stepId: 'a' },
      { kind: 'resolve', stepId: 'x' },
    ]);
    s.handle({ kind: 'cache-miss', stepId: 'a' });
    s.handle({ kind: 'cache-miss', stepId: 'x' });
    s.handle({ kind: 'attempt-started', stepId: 'a', attempt: 1 });
    const commands = failed(s, 'a', 1, false);
    expect(commands[0]).toEqual({
      kind: 'emit',
      event: { kind: 'step.failed', stepId: 'a', attempt: 1, durationMs: 2, failure: boom },
    });
    const skipped = commands.slice(1);
    expect(skipped).toHaveLength(4);
    expect(skipped.map((c) => (c.kind === 'emit' && c.event.kind === 'step.skipped' ? c.event : undefined))).toEqual(
      expect.arrayContaining(['b', 'c', 'd', 'e'].map((stepId) => ({ kind: 'step.skipped', stepId, because: 'a' }))),
    );
    for (const id of ['b', 'c', 'd', 'e']) expect(s.status(id)).toBe('skipped');
    expect(s.finished).toBe(false);

    // The independent branch carries on; e stays skipped even though x succeeds.
    expect(runToSuccess(s, 'x').filter((c) => c.kind !== 'emit')).toEqual([{ kind: 'resolve', stepId: 'y' }]);
    expect(s.status('e')).toBe('skipped');
    expect(runToSuccess(s, 'y').at(-1)).toEqual({ kind: 'finished', status: 'failed' });
    expect(s.status('y')).toBe('succeeded');
  });

  it('cancels: aborts queued and running steps, cancels pending ones, and finishes when the aborts are confirmed', () => {
    // a running, c queued (waiting for a retry), b and d pending behind them.
    const s = new RunScheduler(diamond({ retries: 2, backoffMs: 1000 }));
    s.handle({ kind: 'start' });
    s.handle({ kind: 'cache-miss', stepId: 'a' });
    s.handle({ kind: 'attempt-started', stepId: 'a', attempt: 1 });
    s.handle({ kind: 'cache-miss', stepId: 'c' });
    s.handle({ kind: 'attempt-started', stepId: 'c', attempt: 1 });
    failed(s, 'c', 1);
    expect(s.status('c')).toBe('queued');

    expect(s.handle({ kind: 'cancel' })).toEqual([
      { kind: 'abort', stepId: 'a' },
      { kind: 'abort', stepId: 'c' },
      { kind: 'emit', event: { kind: 'step.cancelled', stepId: 'b' } },
      { kind: 'emit', event: { kind: 'step.cancelled', stepId: 'd' } },
    ]);
    expect(s.status('b')).toBe('cancelled');
    expect(s.handle({ kind: 'cancel' })).toEqual([]);
    expect(s.finished).toBe(false);

    // Even a retryable failure after the cancel ends the step as cancelled, with no retry.
    expect(failed(s, 'a', 1, true)).toEqual([{ kind: 'emit', event: { kind: 'step.cancelled', stepId: 'a' } }]);
    expect(failed(s, 'c', 2, false, cancelled)).toEqual([
      { kind: 'emit', event: { kind: 'step.cancelled', stepId: 'c' } },
      { kind: 'finished', status: 'cancelled' },
    ]);
    expect(s.status('a')).toBe('cancelled');
    expect(s.status('c')).toBe('cancelled');
  });

  it('cancels steps still being resolved and ignores their late cache replies', () => {
    const s = new RunScheduler(diamond());
    s.handle({ kind: 'start' });
    // Every step was pending, so the run is over at once.
    expect(s.handle({ kind: 'cancel' })).toEqual([
      ...['a', 'c', 'b', 'd'].map((stepId) => ({ kind: 'emit', event: { kind: 'step.cancelled', stepId } })),
      { kind: 'finished', status: 'cancelled' },
    ]);
    expect(s.finished).toBe(true);
    expect(s.handle({ kind: 'cache-miss', stepId: 'a' })).toEqual([]);
    expect(
      s.handle({ kind: 'cache-hit', stepId: 'c', contentKey: 'k', outputs: outputs('c'), metrics: {}, fromRunId: 'r' }),
    ).toEqual([]);
    expect(s.status('a')).toBe('cancelled');
    expect(s.outputs('c')).toBeUndefined();
  });

  it('reports the cancel that arrives before start once the run starts', () => {
    const s = new RunScheduler(planOf([emit('a')]));
    expect(s.handle({ kind: 'cancel' })).toEqual([{ kind: 'emit', event: { kind: 'step.cancelled', stepId: 'a' } }]);
    expect(s.finished).toBe(false);
    expect(s.handle({ kind: 'start' })).toEqual([{ kind: 'finished', status: 'cancelled' }]);
  });

  it('does not release dependents of a step that succeeds after the cancel', () => {
    const s = new RunScheduler(diamond());
    s.handle({ kind: 'start' });
    s.handle({ kind: 'cache-miss', stepId: 'a' });
    s.handle({ kind: 'attempt-started', stepId: 'a', attempt: 1 });
    s.handle({ kind: 'cancel' });
    const commands = succeeded(s, 'a');
    expect(commands.filter((c) => c.kind === 'resolve' || c.kind === 'dispatch')).toEqual([]);
    expect(commands.at(-1)).toEqual({ kind: 'finished', status: 'cancelled' });
    expect(s.status('b')).toBe('cancelled');
  });

  it('ends the run when a step reports itself cancelled although the run was not', () => {
    // A transport may lose an attempt to an outside abort (a worker shutting down); the run must still end.
    const s = new RunScheduler(diamond());
    s.handle({ kind: 'start' });
    s.handle({ kind: 'cache-miss', stepId: 'a' });
    s.handle({ kind: 'attempt-started', stepId: 'a', attempt: 1 });
    expect(emitted(failed(s, 'a', 1, false, cancelled))).toEqual([
      'step.cancelled:a',
      'step.skipped:b',
      'step.skipped:d',
    ]);
    expect(s.status('b')).toBe('skipped');
    expect(runToSuccess(s, 'c').at(-1)).toEqual({ kind: 'finished', status: 'cancelled' });
  });

  it('ignores stale replies: wrong attempt, unknown step, wrong state, or after the end', () => {
    const s = new RunScheduler(planOf([emit('a'), emit('b')], [], { retries: 2, backoffMs: 10 }));
    s.handle({ kind: 'start' });
    s.handle({ kind: 'cache-miss', stepId: 'a' });
    s.handle({ kind: 'attempt-started', stepId: 'a', attempt: 1 });
    failed(s, 'a', 1);
    // Attempt 2 is current now: replies for attempt 1 change nothing.
    expect(failed(s, 'a', 1)).toEqual([]);
    expect(succeeded(s, 'a', 1)).toEqual([]);
    expect(s.handle({ kind: 'attempt-started', stepId: 'a', attempt: 1 })).toEqual([]);
    expect(s.handle({ kind: 'attempt-started', stepId: 'a', attempt: 3 })).toEqual([]);
    expect(s.status('a')).toBe('queued');
    // Unknown steps and replies that do not fit the step's state.
    expect(succeeded(s, 'nope')).toEqual([]);
    expect(failed(s, 'nope', 1)).toEqual([]);
    expect(s.handle({ kind: 'cache-miss', stepId: 'a' })).toEqual([]);
    expect(
      s.handle({ kind: 'cache-hit', stepId: 'a', contentKey: 'k', outputs: outputs('a'), metrics: {}, fromRunId: 'r' }),
    ).toEqual([]);
    // A duplicate success changes nothing either.
    runToSuccess(s, 'b');
    expect(succeeded(s, 'b')).toEqual([]);
    expect(failed(s, 'b', 1)).toEqual([]);
    expect(s.status('b')).toBe('succeeded');

    s.handle({ kind: 'attempt-started', stepId: 'a', attempt: 2 });
    expect(succeeded(s, 'a', 2).at(-1)).toEqual({ kind: 'finished', status: 'succeeded' });
    expect(failed(s, 'a', 2)).toEqual([]);
    expect(s.handle({ kind: 'start' })).toEqual([]);
  });

  it('finishes an empty plan as succeeded', () => {
    const s = new RunScheduler(planOf([]));
    expect(s.handle({ kind: 'start' })).toEqual([{ kind: 'finished', status: 'succeeded' }]);
    expect(s.finished).toBe(true);
  });

  it('does not finish before start, even when nothing is left to do', () => {
    const s = new RunScheduler(planOf([]));
    expect(s.finished).toBe(false);
    expect(s.handle({ kind: 'cache-miss', stepId: 'x' })).toEqual([]);
  });

  it('treats restored done steps as done (resume): not resolved, outputs kept, dependents ready', () => {
    const restore = new Map([
      ['a', { status: 'succeeded' as const, attempt: 1, outputs: outputs('a') }],
      ['unknown', { status: 'succeeded' as const, attempt: 1, outputs: outputs('u') }],
    ]);
    const s = new RunScheduler(diamond(), { restore });
    expect(s.status('a')).toBe('succeeded');
    expect(s.outputs('a')).toEqual(outputs('a'));
    // Plan order is a, c, b, d.
    expect(s.handle({ kind: 'start' })).toEqual([
      { kind: 'resolve', stepId: 'c' },
      { kind: 'resolve', stepId: 'b' },
    ]);
    runToSuccess(s, 'b');
    expect(runToSuccess(s, 'c').at(-1)).toEqual({ kind: 'resolve', stepId: 'd' });
    expect(runToSuccess(s, 'd').at(-1)).toEqual({ kind: 'finished', status: 'succeeded' });
  });

  it('finishes at start when every step is restored as done', () => {
    const restore = new Map(
      ['a', 'b', 'c', 'd'].map((id) => [id, { status: 'cached' as const, attempt: 0, outputs: outputs(id) }] as const),
    );
    const s = new RunScheduler(diamond(), { restore });
    expect(s.handle({ kind: 'start' })).toEqual([{ kind: 'finished', status: 'succeeded' }]);
  });

  it('dispatches in-flight steps again with the same attempt, and numbers later attempts on from it', () => {
    const restore = new Map([
      ['a', { status: 'succeeded' as const, attempt: 1, outputs: outputs('a') }],
      ['c', { status: 'running' as const, attempt: 2 }],
      ['b', { status: 'pending' as const, attempt: 3 }],
    ]);
    const s = new RunScheduler(diamond({ retries: 5 }), { restore });
    expect(s.handle({ kind: 'start' })).toEqual([
      { kind: 'dispatch', stepId: 'c', attempt: 2, delayMs: 0, redispatch: true },
      { kind: 'resolve', stepId: 'b' },
    ]);
    expect(s.handle({ kind: 'cache-miss', stepId: 'b' })).toContainEqual({
      kind: 'dispatch',
      stepId: 'b',
      attempt: 4,
      delayMs: 0,
    });
    expect(emitted(succeeded(s, 'c', 2))).toEqual(['step.succeeded:c']);
  });

  it('keeps restored final failures: the run can finish failed without running anything', () => {
    const restore = new Map([
      ['a', { status: 'failed' as const, attempt: 1 }],
      ['b', { status: 'skipped' as const, attempt: 0 }],
      ['c', { status: 'skipped' as const, attempt: 0 }],
      ['d', { status: 'skipped' as const, attempt: 0 }],
    ]);
    const s = new RunScheduler(diamond(), { restore });
    expect(s.handle({ kind: 'start' })).toEqual([{ kind: 'finished', status: 'failed' }]);
  });

  it('runs a restored done step again when its outputs are missing', () => {
    const restore = new Map([['a', { status: 'succeeded' as const, attempt: 1 }]]);
    const s = new RunScheduler(diamond(), { restore });
    expect(s.status('a')).toBe('pending');
    expect(s.handle({ kind: 'start' })).toEqual([
      { kind: 'resolve', stepId: 'a' },
      { kind: 'resolve', stepId: 'c' },
    ]);
  });

  it('gives the same commands for the same inputs (deterministic)', () => {
    const drive = () => {
      const s = new RunScheduler(diamond({ retries: 1, backoffMs: 7 }));
      return [
        s.handle({ kind: 'start' }),
        s.handle({ kind: 'cache-miss', stepId: 'c' }),
        failed(s, 'c', 1),
        runToSuccess(s, 'a'),
        s.handle({ kind: 'cancel' }),
      ];
    };
    expect(drive()).toEqual(drive());
  });
});
