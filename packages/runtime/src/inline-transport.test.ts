import type { PlanStep } from '@loom/compiler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArtifactStore } from './artifact-store.ts';
import type { AttemptHooks, AttemptRequest } from './execute-attempt.ts';
import { InlineTransport } from './inline-transport.ts';
import { type DocNode, pipeline, TestWorkspace } from './test-fixtures/harness.ts';
import { activity, resetActivity } from './test-fixtures/nodes.ts';

let ws: TestWorkspace;

beforeEach(async () => {
  resetActivity();
  ws = await TestWorkspace.create();
});

afterEach(async () => {
  await ws.cleanup();
});

function stepOf(node: DocNode): PlanStep {
  const step = ws.plan(pipeline([node])).steps[0];
  if (step === undefined) throw new Error('no step');
  return step;
}

const hooks: AttemptHooks = { started: () => {}, progress: () => {}, log: () => {}, metric: () => {} };

function request(step: PlanStep, signal = new AbortController().signal): AttemptRequest {
  return { runId: 'run-1', step, attempt: 1, inputs: {}, contentKey: 'k'.repeat(64), signal };
}

describe('InlineTransport', () => {
  it('turns a store failure into a retryable internal error instead of rejecting', async () => {
    let full = true;
    const broken: ArtifactStore = {
      put: (bytes) => {
        if (!full) return ws.store.put(bytes);
        full = false;
        return Promise.reject(new Error('disk full'));
      },
      importFile: (path) => ws.store.importFile(path),
      has: (sha256) => ws.store.has(sha256),
      read: (sha256) => ws.store.read(sha256),
      localPath: (sha256) => ws.store.localPath(sha256),
      makeTempDir: (label) => ws.store.makeTempDir(label),
    };
    const transport = new InlineTransport({
      environment: { registry: ws.registry, store: broken, baseDir: ws.dir },
      concurrency: 1,
    });
    const outcome = await transport.run(
      request(stepOf({ id: 'a', type: 'fixture.emit', params: { value: 1 } })),
      hooks,
    );
    expect(outcome).toEqual({
      ok: false,
      durationMs: 0,
      failure: { reason: 'error', message: 'internal error: disk full' },
      retryable: true,
    });
    // The slot was given back: the next attempt runs.
    const next = await transport.run(request(stepOf({ id: 'b', type: 'fixture.sleep', params: { ms: 0 } })), hooks);
    expect(next.ok).toBe(true);
    await transport.close();
  });

  it('lets waiting attempts in first come, first served', async () => {
    const transport = new InlineTransport({
      environment: { registry: ws.registry, store: ws.store, baseDir: ws.dir },
      concurrency: 1,
    });
    const ids = ['s1', 's2', 's3', 's4'];
    const outcomes = await Promise.all(
      ids.map((id) => transport.run(request(stepOf({ id, type: 'fixture.sleep', params: { ms: 5 } })), hooks)),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(activity.runs).toEqual(ids.map((id) => `${id}#1`));
    expect(activity.maxRunning).toBe(1);
  });

  it('treats a concurrency below 1 as 1 rather than running nothing', async () => {
    const transport = new InlineTransport({
      environment: { registry: ws.registry, store: ws.store, baseDir: ws.dir },
      concurrency: 0,
    });
    const outcomes = await Promise.all(
      ['a', 'b'].map((id) => transport.run(request(stepOf({ id, type: 'fixture.sleep', params: { ms: 5 } })), hooks)),
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(activity.maxRunning).toBe(1);
  });

  it('lets an attempt aborted while waiting leave the line at once, without running it', async () => {
    const transport = new InlineTransport({
      environment: { registry: ws.registry, store: ws.store, baseDir: ws.dir },
      concurrency: 1,
    });
    const busy = transport.run(request(stepOf({ id: 'busy', type: 'fixture.sleep', params: { ms: 100 } })), hooks);
    const controller = new AbortController();
    const waiting = transport.run(
      request(stepOf({ id: 'waiting', type: 'fixture.sleep', params: { ms: 0 } }), controller.signal),
      hooks,
    );
    controller.abort();
    const first = await Promise.race([waiting.then(() => 'waiting'), busy.then(() => 'busy')]);
    expect(first).toBe('waiting');
    expect(await waiting).toMatchObject({ ok: false, failure: { reason: 'cancelled' } });
    expect((await busy).ok).toBe(true);
    expect(activity.runs).toEqual(['busy#1']);
    // The slot count is intact: two more attempts still run one at a time.
    await Promise.all(
      ['c', 'd'].map((id) => transport.run(request(stepOf({ id, type: 'fixture.sleep', params: { ms: 5 } })), hooks)),
    );
    expect(activity.maxRunning).toBe(1);
  });
});
