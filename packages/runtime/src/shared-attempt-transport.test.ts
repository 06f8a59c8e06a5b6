import type { PlanStep } from '@loom/compiler';
import { describe, expect, it } from 'vitest';
import type { AttemptHooks, AttemptOutcome, AttemptRequest } from './execute-attempt.ts';
import type { StepTransport } from './inline-transport.ts';
import { SharedAttemptTransport } from './shared-attempt-transport.ts';

/** A transport whose attempts finish when the test says so. */
class ManualTransport implements StepTransport {
  readonly calls: Array<{ request: AttemptRequest; hooks: AttemptHooks; finish: (o: AttemptOutcome) => void }> = [];
  run(request: AttemptRequest, hooks: AttemptHooks): Promise<AttemptOutcome> {
    return new Promise((finish) => this.calls.push({ request, hooks, finish }));
  }
  async close(): Promise<void> {}
}

const succeeded: AttemptOutcome = { ok: true, durationMs: 5, outputs: {}, metrics: { m: 1 } };

function request(runId: string, options: { cacheable?: boolean; key?: string; signal?: AbortSignal } = {}) {
  const step = { id: 's', cacheable: options.cacheable ?? true } as PlanStep;
  return {
    runId,
    step,
    attempt: 1,
    inputs: {},
    contentKey: options.key ?? 'k'.repeat(64),
    signal: options.signal ?? new AbortController().signal,
  };
}

function recorder() {
  const seen: string[] = [];
  const hooks: AttemptHooks = {
    started: () => seen.push('started'),
    progress: (f) => seen.push(`progress ${f}`),
    log: (_level, message) => seen.push(`log ${message}`),
    metric: (name, value) => seen.push(`metric ${name}=${value}`),
  };
  return { seen, hooks };
}

describe('SharedAttemptTransport', () => {
  it('runs identical cacheable attempts of concurrent runs once and gives both the outcome and reports', async () => {
    const inner = new ManualTransport();
    const shared = new SharedAttemptTransport(inner);
    const first = recorder();
    const second = recorder();
    const a = shared.run(request('run-a'), first.hooks);
    inner.calls[0]?.hooks.started();
    const b = shared.run(request('run-b'), second.hooks);
    expect(inner.calls).toHaveLength(1);
    expect(shared.sharedCount).toBe(1);
    inner.calls[0]?.hooks.log('info', 'hello');
    inner.calls[0]?.finish(succeeded);
    expect(await a).toEqual(succeeded);
    expect(await b).toEqual(succeeded);
    expect(first.seen).toEqual(['started', 'log hello']);
    // The late joiner hears that the attempt has started already.
    expect(second.seen).toEqual(['started', 'log hello']);
    // Once finished, the next request runs again (the step cache answers finished results).
    void shared.run(request('run-c'), recorder().hooks);
    expect(inner.calls).toHaveLength(2);
  });

  it('does not share steps that are not cacheable, nor different content keys', () => {
    const inner = new ManualTransport();
    const shared = new SharedAttemptTransport(inner);
    void shared.run(request('a', { cacheable: false }), recorder().hooks);
    void shared.run(request('b', { cacheable: false }), recorder().hooks);
    void shared.run(request('c', { key: '1'.repeat(64) }), recorder().hooks);
    void shared.run(request('d', { key: '2'.repeat(64) }), recorder().hooks);
    expect(inner.calls).toHaveLength(4);
  });

  it('detaches a cancelled run and stops the attempt only when every run has cancelled', async () => {
    const inner = new ManualTransport();
    const shared = new SharedAttemptTransport(inner);
    const cancelA = new AbortController();
    const cancelB = new AbortController();
    const a = shared.run(request('a', { signal: cancelA.signal }), recorder().hooks);
    const b = shared.run(request('b', { signal: cancelB.signal }), recorder().hooks);
    const innerSignal = inner.calls[0]?.request.signal as AbortSignal;
    cancelA.abort();
    expect((await a).ok).toBe(false);
    expect(innerSignal.aborted).toBe(false);
    cancelB.abort();
    expect(await b).toMatchObject({ ok: false, failure: { reason: 'cancelled' } });
    expect(innerSignal.aborted).toBe(true);
  });
});
