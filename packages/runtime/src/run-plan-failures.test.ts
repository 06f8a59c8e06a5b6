import type { Plan } from '@loom/compiler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from './run-events.ts';
import type { RunResult } from './run-plan.ts';
import { eventProblems, findEvent, pipeline, stepKinds, TestWorkspace } from './test-fixtures/harness.ts';
import { activity, resetActivity } from './test-fixtures/nodes.ts';

let ws: TestWorkspace;

beforeEach(async () => {
  resetActivity();
  ws = await TestWorkspace.create();
});

afterEach(async () => {
  await ws.cleanup();
});

function step(result: RunResult, id: string) {
  const found = result.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no step ${id}`);
  return found;
}

/** Checks what every run must satisfy: well-formed events and a sound store. */
async function expectWellFormed(result: RunResult, events: RunEvent[]): Promise<void> {
  expect(eventProblems(result, events)).toEqual([]);
  expect(await ws.storeProblems()).toEqual([]);
}

function withRetry(plan: Plan, stepId: string, retry: Partial<Plan['steps'][number]['retry']>): Plan {
  return {
    ...plan,
    steps: plan.steps.map((s) => (s.id === stepId ? { ...s, retry: { ...s.retry, ...retry } } : s)),
  };
}

describe('runPlan: retries', () => {
  it('succeeds on attempt 3 after two retryable failures, backing off 5 then 10 ms', async () => {
    const { result, events } = await ws.run(
      ws.plan(pipeline([{ id: 'f', type: 'fixture.flaky', params: { failures: 2 } }])),
    );
    expect(result.status).toBe('succeeded');
    expect(step(result, 'f')).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(await ws.output(result, 'f', 'attempt')).toBe(3);
    expect(stepKinds(events, 'f')).toEqual([
      'step.queued',
      'step.started',
      'step.retrying',
      'step.queued',
      'step.started',
      'step.retrying',
      'step.queued',
      'step.started',
      'step.succeeded',
    ]);
    const retries = events.filter((e) => e.kind === 'step.retrying');
    expect(retries.map((e) => [e.attempt, e.delayMs, e.failure.reason, e.failure.message])).toEqual([
      [1, 5, 'error', 'flaky failure on attempt 1'],
      [2, 10, 'error', 'flaky failure on attempt 2'],
    ]);
    // A plain error keeps its stack as detail, logged at debug level rather than shown as the headline.
    expect(retries[0]?.failure.detail).toContain('flaky failure on attempt 1');
    expect(findEvent(events, 'step.log', 'f')).toMatchObject({ level: 'debug', attempt: 1 });
    expect(findEvent(events, 'step.succeeded', 'f')?.attempt).toBe(3);
    expect(activity.runs).toEqual(['f#1', 'f#2', 'f#3']);
    await expectWellFormed(result, events);
  });

  it('fails after the last attempt the document allows', async () => {
    const plan = ws.plan(pipeline([{ id: 'f', type: 'fixture.flaky', params: { failures: 10 }, retries: 1 }]));
    const { result, events } = await ws.run(plan);
    expect(result.status).toBe('failed');
    expect(step(result, 'f')).toMatchObject({
      status: 'failed',
      attempts: 2,
      failure: { reason: 'error', message: 'flaky failure on attempt 2' },
    });
    // A failed step keeps what its last attempt measured (a gate's judged scores), and only that.
    expect(step(result, 'f').metrics).toEqual({ failed_attempt_2: 2 });
    expect(findEvent(events, 'step.failed', 'f')?.attempt).toBe(2);
    await expectWellFormed(result, events);
  });

  it('fails at once on a NodeError that is not retryable', async () => {
    const { result, events } = await ws.run(ws.plan(pipeline([{ id: 'x', type: 'fixture.fatal' }])));
    expect(result.status).toBe('failed');
    expect(step(result, 'x')).toMatchObject({ status: 'failed', attempts: 1 });
    // A NodeError's message is the whole story: no stack.
    expect(step(result, 'x').failure).toEqual({ reason: 'error', message: 'the input is unusable' });
    expect(stepKinds(events, 'x')).toEqual(['step.queued', 'step.started', 'step.failed']);
    expect(activity.runs).toEqual(['x#1']);
  });

  it('cancels a step that waits for its retry without running it again', async () => {
    const controller = new AbortController();
    const plan = withRetry(ws.plan(pipeline([{ id: 'f', type: 'fixture.flaky', params: { failures: 1 } }])), 'f', {
      backoffMs: 60_000,
      maxBackoffMs: 60_000,
    });
    const started = performance.now();
    const { result, events } = await ws.run(plan, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.kind === 'step.retrying') setTimeout(() => controller.abort(), 5);
      },
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.status).toBe('cancelled');
    expect(step(result, 'f')).toMatchObject({ status: 'cancelled', attempts: 2 });
    expect(stepKinds(events, 'f')).toEqual([
      'step.queued',
      'step.started',
      'step.retrying',
      'step.queued',
      'step.cancelled',
    ]);
    expect(activity.runs).toEqual(['f#1']);
    await expectWellFormed(result, events);
  });
});

describe('runPlan: timeouts', () => {
  it('times out a node that hangs ignoring its signal, and skips its dependents', async () => {
    const plan = ws.plan(
      pipeline(
        [
          { id: 'stuck', type: 'fixture.hang', timeoutMs: 30 },
          { id: 'next', type: 'fixture.fatal' },
          { id: 'last', type: 'fixture.sleep', params: { ms: 0 } },
          { id: 'free', type: 'fixture.emit', params: { value: 1 } },
        ],
        [
          ['stuck.value', 'next.after'],
          ['next.value', 'last.after'],
        ],
      ),
    );
    const started = performance.now();
    const { result, events } = await ws.run(plan);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result.status).toBe('failed');
    expect(step(result, 'stuck')).toMatchObject({
      status: 'failed',
      attempts: 1,
      failure: { reason: 'timeout', message: 'timed out after 30 ms' },
    });
    expect(step(result, 'stuck').durationMs).toBeGreaterThanOrEqual(25);
    expect(step(result, 'next')).toMatchObject({ status: 'skipped', skippedBecause: 'stuck', attempts: 0 });
    expect(step(result, 'last')).toMatchObject({ status: 'skipped', skippedBecause: 'stuck' });
    expect(step(result, 'free').status).toBe('succeeded');
    expect(activity.runs.sort()).toEqual(['free#1', 'stuck#1']);
    await expectWellFormed(result, events);
  });

  it('drops what an abandoned attempt reports after its timeout', async () => {
    const plan = ws.plan(pipeline([{ id: 'z', type: 'fixture.zombie', params: { ms: 60 }, timeoutMs: 20 }]));
    const { result, events } = await ws.run(plan);
    expect(step(result, 'z').failure?.reason).toBe('timeout');
    const atEnd = events.length;
    await new Promise((resolveLater) => setTimeout(resolveLater, 100));
    expect(events.slice(atEnd).map((e) => e.kind)).toEqual([]);
    expect(step(result, 'z').metrics).toEqual({});
    await expectWellFormed(result, events);
  });

  it('aborts the signal of a node that runs past its timeout', async () => {
    const plan = ws.plan(pipeline([{ id: 'slow', type: 'fixture.sleep', params: { ms: 10_000 }, timeoutMs: 20 }]));
    const { result } = await ws.run(plan);
    expect(step(result, 'slow').failure).toEqual({ reason: 'timeout', message: 'timed out after 20 ms' });
    expect(activity.aborted).toEqual(['slow']);
  });

  it('retries a timed-out attempt when the policy allows it', async () => {
    const plan = withRetry(
      ws.plan(pipeline([{ id: 'stuck', type: 'fixture.hang', timeoutMs: 10, retries: 1 }])),
      'stuck',
      { backoffMs: 1 },
    );
    const { result, events } = await ws.run(plan);
    expect(step(result, 'stuck')).toMatchObject({ status: 'failed', attempts: 2, failure: { reason: 'timeout' } });
    expect(findEvent(events, 'step.retrying', 'stuck')?.failure.reason).toBe('timeout');
  });
});

describe('runPlan: cancellation', () => {
  it('cancels mid-run: the running node sees its signal aborted and nothing downstream starts', async () => {
    const controller = new AbortController();
    const plan = ws.plan(
      pipeline(
        [
          { id: 'slow', type: 'fixture.sleep', params: { ms: 10_000 } },
          { id: 'next', type: 'fixture.sleep', params: { ms: 0 } },
          { id: 'quick', type: 'fixture.emit', params: { value: 1 } },
        ],
        [['slow.value', 'next.after']],
      ),
    );
    const started = performance.now();
    const { result, events } = await ws.run(plan, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.kind === 'step.started' && event.stepId === 'slow') setTimeout(() => controller.abort(), 20);
      },
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.status).toBe('cancelled');
    expect(step(result, 'slow').status).toBe('cancelled');
    expect(step(result, 'next').status).toBe('cancelled');
    expect(step(result, 'quick').status).toBe('succeeded');
    expect(activity.aborted).toEqual(['slow']);
    expect(activity.runs).not.toContain('next#1');
    expect(stepKinds(events, 'next')).toEqual(['step.cancelled']);
    await expectWellFormed(result, events);
  });

  it('runs nothing when the signal is aborted before the run starts', async () => {
    const plan = ws.plan(
      pipeline(
        [
          { id: 'a', type: 'fixture.emit', params: { value: 1 } },
          { id: 'b', type: 'fixture.sleep', params: { ms: 0 } },
        ],
        [['a.value', 'b.after']],
      ),
    );
    const { result, events } = await ws.run(plan, { signal: AbortSignal.abort() });
    expect(result.status).toBe('cancelled');
    expect(result.steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    expect(activity.runs).toEqual([]);
    expect(events.filter((e) => e.kind === 'step.started')).toEqual([]);
  });

  it('cancels attempts still waiting for a slot in the transport', async () => {
    const controller = new AbortController();
    const plan = ws.plan(
      pipeline([
        { id: 'first', type: 'fixture.sleep', params: { ms: 10_000 } },
        { id: 'second', type: 'fixture.sleep', params: { ms: 10_000 } },
      ]),
    );
    const { result, events } = await ws.run(plan, {
      concurrency: 1,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.kind === 'step.started') setTimeout(() => controller.abort(), 10);
      },
    });
    expect(result.status).toBe('cancelled');
    expect(result.steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled']);
    // Only one of them ever reached its node.
    expect(activity.runs).toHaveLength(1);
    await expectWellFormed(result, events);
  });
});

describe('runPlan: concurrency', () => {
  const sleepers = (count: number) =>
    pipeline(
      Array.from({ length: count }, (_, i) => ({
        id: `s${i}`,
        type: 'fixture.sleep',
        params: { ms: 60, tag: String(i) },
      })),
    );

  it('runs at most `concurrency` attempts at once, and does run them in parallel', async () => {
    const { result } = await ws.run(ws.plan(sleepers(5)), { concurrency: 2 });
    expect(result.status).toBe('succeeded');
    expect(activity.maxRunning).toBe(2);
    expect(activity.runs).toHaveLength(5);
  });

  it('runs one at a time with concurrency 1', async () => {
    const { result } = await ws.run(ws.plan(sleepers(3)), { concurrency: 1 });
    expect(result.status).toBe('succeeded');
    expect(activity.maxRunning).toBe(1);
  });
});

describe('runPlan: invalid outputs', () => {
  it.each([
    ['missing', 'run() returned no value for output "file"'],
    ['not-object', 'run() must return an object with outputs "text", "file"'],
    ['not-string', 'output "text" (text) must be a string'],
    ['not-artifact', 'output "file" (file) must be an artifact written with ctx.artifacts'],
  ])('fails %s outputs with reason invalid-output, without retrying', async (mode, message) => {
    const plan = ws.plan(pipeline([{ id: 'w', type: 'fixture.wrong_output', params: { mode }, retries: 2 }]));
    const { result, events } = await ws.run(plan);
    expect(result.status).toBe('failed');
    expect(step(result, 'w')).toMatchObject({ attempts: 1, failure: { reason: 'invalid-output', message } });
    expect(await ws.cacheRecords()).toEqual([]);
    await expectWellFormed(result, events);
  });
});
