import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The runtime never imports node packages; its tests may, to run a real node with a fingerprint.
import { readJson } from '../../../nodes/core/src/read-json.ts';
import type { RunEvent } from './run-events.ts';
import type { RunResult } from './run-plan.ts';
import { newRunId } from './run-plan.ts';
import {
  type DocNode,
  eventProblems,
  findEvent,
  fixtureRegistry,
  pipeline,
  stepKinds,
  TestWorkspace,
} from './test-fixtures/harness.ts';
import { activity, resetActivity } from './test-fixtures/nodes.ts';

let ws: TestWorkspace;

beforeEach(async () => {
  resetActivity();
  ws = await TestWorkspace.create(fixtureRegistry([readJson]));
});

afterEach(async () => {
  await ws.cleanup();
});

function step(result: RunResult, id: string) {
  const found = result.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no step ${id}`);
  return found;
}

/** Checks what every run must satisfy: numbered events, one terminal event per step, a sound store. */
/** Checks what every run must satisfy: well-formed events and a sound store. */
async function expectWellFormed(result: RunResult, events: RunEvent[]): Promise<void> {
  expect(eventProblems(result, events)).toEqual([]);
  expect(await ws.storeProblems()).toEqual([]);
}

const emit = (id: string, value: unknown, label?: string): DocNode => ({
  id,
  type: 'fixture.emit',
  params: label === undefined ? { value } : { value, label },
});

describe('runPlan: the happy path', () => {
  const document = pipeline(
    [
      emit('one', 1),
      emit('two', 2),
      emit('three', 3),
      { id: 'total', type: 'fixture.sum' },
      { id: 'greeting', type: 'fixture.emit_text', params: { text: 'hello' } },
      { id: 'shout', type: 'fixture.upper' },
      { id: 'imported', type: 'fixture.write_file', params: { content: 'file body', via: 'import' } },
      { id: 'written', type: 'fixture.write_file', params: { content: 'other body', via: 'write' } },
      { id: 'readImported', type: 'fixture.read_file' },
      { id: 'readWritten', type: 'fixture.read_file' },
    ],
    [
      ['three.value', 'total.values'],
      ['one.value', 'total.values'],
      ['two.value', 'total.values'],
      ['greeting.text', 'shout.text'],
      ['imported.file', 'readImported.file'],
      ['written.file', 'readWritten.file'],
    ],
  );

  it('runs every step and hands decoded outputs from step to step', async () => {
    const { result, events } = await ws.run(ws.plan(document));
    expect(result.status).toBe('succeeded');
    expect(result.pipeline).toBe('test');
    for (const s of result.steps) {
      expect(s, s.id).toMatchObject({ status: 'succeeded', cached: false, attempts: 1 });
      expect(s.contentKey).toMatch(/^[0-9a-f]{64}$/);
      expect(stepKinds(events, s.id)).toEqual(['step.queued', 'step.started', 'step.succeeded']);
    }
    // json, with a multiple input in edge order.
    expect(await ws.output(result, 'total', 'values')).toEqual([3, 1, 2]);
    // …and the node is told where each value came from, in the same order.
    expect(activity.sources.total).toEqual({
      values: [
        { node: 'three', port: 'value' },
        { node: 'one', port: 'value' },
        { node: 'two', port: 'value' },
      ],
    });
    expect(await ws.output(result, 'total', 'total')).toBe(6);
    expect(step(result, 'total').outputs.values).toMatchObject({ type: 'json', storage: 'json' });
    // text.
    expect(await ws.output(result, 'shout', 'text')).toBe('HELLO');
    expect(step(result, 'shout').outputs.text).toMatchObject({ type: 'text', storage: 'text', size: 5 });
    // files, imported from the step's temp dir and written directly.
    for (const [writer, reader, body] of [
      ['imported', 'readImported', 'file body'],
      ['written', 'readWritten', 'other body'],
    ] as const) {
      const record = step(result, writer).outputs.file;
      expect(record).toMatchObject({ type: 'file', storage: 'file', size: body.length, mediaType: 'text/plain' });
      expect(await ws.store.has(record?.sha256 ?? '')).toBe(true);
      expect(await ws.output(result, reader, 'text')).toBe(body);
      expect(await ws.output(result, reader, 'ref')).toEqual({
        sha256: record?.sha256,
        size: body.length,
        mediaType: 'text/plain',
      });
    }
    await expectWellFormed(result, events);
  });

  it('has event checks that do catch a broken stream', async () => {
    const { result, events } = await ws.run(ws.plan(pipeline([emit('a', 1)])));
    expect(eventProblems(result, events)).toEqual([]);
    const succeeded = events.findIndex((e) => e.kind === 'step.succeeded');
    const doubled = [...events.slice(0, succeeded + 1), ...events.slice(succeeded)].map((e, i) => ({
      ...e,
      seq: i + 1,
    }));
    expect(eventProblems(result, doubled)).toEqual(['step a has terminal events [step.succeeded, step.succeeded]']);
    expect(eventProblems(result, events.slice(1))).toHaveLength(events.length);
  });

  it('uses the given run id and stamps events with it', async () => {
    const runId = newRunId(new Date('2026-01-02T03:04:05.678Z'));
    expect(runId).toMatch(/^20260102T030405678Z-[0-9a-f]{6}$/);
    const ids = Array.from({ length: 50 }, () => newRunId());
    expect([...ids].sort()).toEqual(ids);
    const { result, events } = await ws.run(ws.plan(pipeline([emit('a', 1)])), { runId });
    expect(result.runId).toBe(runId);
    expect(events.every((e) => e.runId === runId && !Number.isNaN(Date.parse(e.at)))).toBe(true);
  });

  it('reuses every result on a second run, naming the run that produced it', async () => {
    const plan = ws.plan(document);
    const first = await ws.run(plan);
    resetActivity();
    const { result, events } = await ws.run(plan);
    expect(result.status).toBe('succeeded');
    expect(activity.runs).toEqual([]);
    for (const s of result.steps) {
      expect(s, s.id).toMatchObject({ status: 'cached', cached: true, attempts: 0 });
      expect(s.outputs).toEqual(step(first.result, s.id).outputs);
      expect(s.contentKey).toBe(step(first.result, s.id).contentKey);
      expect(findEvent(events, 'step.cached', s.id)?.fromRunId).toBe(first.result.runId);
      expect(stepKinds(events, s.id)).toEqual(['step.cached']);
    }
    expect(await ws.output(result, 'total', 'values')).toEqual([3, 1, 2]);
    await expectWellFormed(result, events);
  });

  it('runs everything again with noCache, and stores the new results for next time', async () => {
    const plan = ws.plan(document);
    await ws.run(plan);
    resetActivity();
    const again = await ws.run(plan, { noCache: true });
    expect(again.result.steps.every((s) => s.status === 'succeeded')).toBe(true);
    expect(activity.runs).toHaveLength(plan.steps.length);
    const third = await ws.run(plan);
    expect(third.result.steps.every((s) => s.status === 'cached')).toBe(true);
    expect(findEvent(third.events, 'step.cached', 'total')?.fromRunId).toBe(again.result.runId);
  });

  it('reports metrics, progress (clamped to 0..1) and logs, and keeps metrics in the cache', async () => {
    const plan = ws.plan(pipeline([{ id: 'talk', type: 'fixture.chatty' }]));
    const { result, events } = await ws.run(plan);
    expect(events.filter((e) => e.kind === 'step.metric')).toMatchObject([
      { stepId: 'talk', attempt: 1, name: 'loss', value: 0.5, step: 1 },
      { stepId: 'talk', attempt: 1, name: 'loss', value: 0.25, step: 2 },
    ]);
    expect(findEvent(events, 'step.progress', 'talk')).toMatchObject({ fraction: 1, message: 'more than done' });
    expect(findEvent(events, 'step.log', 'talk')).toMatchObject({ level: 'info', message: 'hello', fields: { n: 1 } });
    expect(step(result, 'talk').metrics).toEqual({ loss: 0.25 });
    const cached = await ws.run(plan);
    expect(step(cached.result, 'talk')).toMatchObject({ status: 'cached', metrics: { loss: 0.25 } });
  });

  it('never reuses the result of a node that is not cacheable', async () => {
    const plan = ws.plan(pipeline([{ id: 'live', type: 'fixture.uncached' }]));
    await ws.run(plan);
    const { result } = await ws.run(plan);
    expect(step(result, 'live')).toMatchObject({ status: 'succeeded', cached: false });
    expect(activity.runs).toEqual(['live#1', 'live#1']);
    expect(await ws.cacheRecords()).toEqual([]);
  });

  it('finishes an empty pipeline as succeeded', async () => {
    const { result, events } = await ws.run(ws.plan(pipeline([])));
    expect(result).toMatchObject({ status: 'succeeded', steps: [] });
    expect(events.map((e) => e.kind)).toEqual(['run.started', 'run.finished']);
  });
});

describe('runPlan: what makes a step run again', () => {
  // source → double (sum of one) → after (sleep behind it); other is independent.
  const chain = (value: unknown, label?: string) =>
    pipeline(
      [
        emit('source', value, label),
        { id: 'double', type: 'fixture.sum' },
        { id: 'after', type: 'fixture.sleep', params: { ms: 0 } },
        emit('other', 'x'),
      ],
      [
        ['source.value', 'double.values'],
        ['double.total', 'after.after'],
      ],
    );

  it('re-runs a step whose param changed and everything downstream of it, not the rest', async () => {
    await ws.run(ws.plan(chain(1)));
    resetActivity();
    const { result, events } = await ws.run(ws.plan(chain(2)));
    expect(result.status).toBe('succeeded');
    expect(step(result, 'source').status).toBe('succeeded');
    expect(step(result, 'double').status).toBe('succeeded');
    expect(step(result, 'after').status).toBe('succeeded');
    expect(step(result, 'other').status).toBe('cached');
    expect(activity.runs.sort()).toEqual(['after#1', 'double#1', 'source#1']);
    expect(await ws.output(result, 'double', 'total')).toBe(2);
    await expectWellFormed(result, events);
  });

  it('cuts off early: an upstream step that re-ran with identical bytes leaves its dependents cached', async () => {
    const first = await ws.run(ws.plan(chain(1)));
    resetActivity();
    // The label changes the step's identity, not its output.
    const { result } = await ws.run(ws.plan(chain(1, 'renamed')));
    expect(step(result, 'source').status).toBe('succeeded');
    expect(step(result, 'source').outputs).toEqual(step(first.result, 'source').outputs);
    expect(step(result, 'double').status).toBe('cached');
    expect(step(result, 'after').status).toBe('cached');
    expect(activity.runs).toEqual(['source#1']);
  });

  it('re-runs core.read_json when the file it reads changes (its fingerprint)', async () => {
    const data = join(ws.dir, 'data.json');
    const plan = ws.plan(
      pipeline(
        [
          { id: 'read', type: 'core.read_json', params: { path: 'data.json' } },
          { id: 'total', type: 'fixture.sum' },
        ],
        [['read.data', 'total.values']],
      ),
    );
    await writeFile(data, '[1, 2]');
    const first = await ws.run(plan);
    expect(await ws.output(first.result, 'total', 'values')).toEqual([[1, 2]]);

    const unchanged = await ws.run(plan);
    expect(unchanged.result.steps.map((s) => s.status)).toEqual(['cached', 'cached']);

    await writeFile(data, '[1, 2, 3]');
    const changed = await ws.run(plan);
    expect(changed.result.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    expect(await ws.output(changed.result, 'total', 'values')).toEqual([[1, 2, 3]]);

    // Only the formatting changed: read_json runs again, its output bytes do not, so total stays cached.
    await writeFile(data, '[ 1,\n  2,\n  3 ]\n');
    const reformatted = await ws.run(plan);
    expect(reformatted.result.steps.map((s) => s.status)).toEqual(['succeeded', 'cached']);
  });

  it('runs a step whose fingerprint cannot be taken, which then fails in its own words', async () => {
    const plan = ws.plan(pipeline([{ id: 'read', type: 'core.read_json', params: { path: 'missing.json' } }]));
    const { result, events } = await ws.run(plan);
    expect(result.status).toBe('failed');
    expect(step(result, 'read').failure).toEqual({
      reason: 'error',
      message: `file not found: missing.json (${join(ws.dir, 'missing.json')})`,
    });
    await expectWellFormed(result, events);
    // Created later, the file is read: the failed attempt left nothing in the cache to get in the way.
    await writeFile(join(ws.dir, 'missing.json'), '{"ok": true}');
    const { result: second } = await ws.run(plan);
    expect(step(second, 'read').status).toBe('succeeded');
    expect(await ws.output(second, 'read', 'data')).toEqual({ ok: true });
  });

  it('keeps a cache record only for steps that succeeded, so a failed step runs again next time', async () => {
    const plan = ws.plan(
      pipeline(
        [
          emit('good', 1),
          { id: 'bad', type: 'fixture.write_then_fail' },
          { id: 'hang', type: 'fixture.hang', timeoutMs: 20 },
        ],
        [],
      ),
    );
    const first = await ws.run(plan);
    expect(first.result.status).toBe('failed');
    expect(step(first.result, 'bad').failure).toEqual({ reason: 'error', message: 'failed after writing' });
    expect(step(first.result, 'hang').failure?.reason).toBe('timeout');
    expect(await ws.cacheRecords()).toEqual([`${step(first.result, 'good').contentKey}.json`]);
    await expectWellFormed(first.result, first.events);

    resetActivity();
    const second = await ws.run(plan);
    expect(step(second.result, 'good').status).toBe('cached');
    expect(step(second.result, 'bad').status).toBe('failed');
    expect(step(second.result, 'hang').status).toBe('failed');
    expect(activity.runs.sort()).toEqual(['bad#1', 'hang#1']);
    await expectWellFormed(second.result, second.events);
  });

  it('runs a step again when a cached artifact has gone missing from the store', async () => {
    const plan = ws.plan(pipeline([emit('a', { big: true })]));
    const first = await ws.run(plan);
    const sha256 = step(first.result, 'a').outputs.value?.sha256 ?? '';
    await rm(await ws.store.localPath(sha256));
    const { result } = await ws.run(plan);
    expect(step(result, 'a').status).toBe('succeeded');
    expect(await ws.store.has(sha256)).toBe(true);
  });
});
