/**
 * The run routes on the inline transport: bad input, unknown ids, the event stream with
 * Last-Event-ID, logs, and the data-root confinement of document paths.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from '@loom/runtime';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventBlocks } from './event-blocks.ts';
import {
  getRun,
  JSON_TYPE,
  makeDirs,
  pipeline,
  savePipeline,
  startRun,
  type TestDirs,
  testApp,
  waitFor,
  waitForRun,
} from './harness.ts';

let dirs: TestDirs;
let app: FastifyInstance;

beforeEach(async () => {
  dirs = await makeDirs();
  app = await testApp({ dirs });
});

afterEach(async () => {
  await app.close();
  await dirs.cleanup();
});

/** Reads server-sent events until `until` says stop (or `timeoutMs` passes), then hangs up. */
async function readEvents(
  base: string,
  runId: string,
  options: { lastEventId?: number; until: (events: RunEvent[]) => boolean; timeoutMs?: number },
): Promise<{ events: RunEvent[]; ids: number[]; contentType: string | null }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000);
  const headers: Record<string, string> = {};
  if (options.lastEventId !== undefined) headers['last-event-id'] = String(options.lastEventId);
  const response = await fetch(`${base}/api/runs/${runId}/events`, { headers, signal: controller.signal });
  const events: RunEvent[] = [];
  const ids: number[] = [];
  try {
    for await (const block of eventBlocks(response.body as ReadableStream<Uint8Array>)) {
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (id !== undefined && data !== undefined) {
        ids.push(Number(id));
        events.push(JSON.parse(data) as RunEvent);
      }
      if (options.until(events)) break;
    }
  } catch (cause) {
    if (!controller.signal.aborted) throw cause;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { events, ids, contentType: response.headers.get('content-type') };
}

describe('run routes', () => {
  it('refuses to run a broken document with the compiler’s problems, and queues nothing', async () => {
    const id = await savePipeline(
      app,
      pipeline(
        'broken',
        [
          { id: 'a', type: 't.sleep' },
          { id: 'b', type: 't.sleep' },
          { id: 'x', type: 'no.such_type' },
        ],
        ['a.value->b.after', 'b.value->a.after'],
      ),
    );
    const reply = await app.inject({ method: 'POST', url: `/api/pipelines/${id}/runs`, payload: {} });
    expect(reply.statusCode).toBe(400);
    const body = reply.json();
    expect(body.error).toBe('invalid-pipeline');
    expect(body.diagnostics.map((d: { code: string }) => d.code).sort()).toEqual(['graph.cycle', 'node.unknown-type']);
    expect((await app.inject({ method: 'GET', url: '/api/runs' })).json().runs).toEqual([]);
  });

  it('checks the run request itself: unknown fields and wrong types are 400 naming the field', async () => {
    const id = await savePipeline(app, pipeline('ok', [{ id: 'a', type: 't.sleep' }]));
    const reply = await app.inject({ method: 'POST', url: `/api/pipelines/${id}/runs`, payload: { noCache: 'yes' } });
    expect(reply.statusCode).toBe(400);
    expect(JSON.stringify(reply.json())).toMatch(/noCache/);
    const badParameter = await app.inject({
      method: 'POST',
      url: `/api/pipelines/${id}/runs`,
      payload: { parameters: { nope: 1 } },
    });
    expect(badParameter.statusCode).toBe(400);
    expect(badParameter.json().diagnostics[0].code).toBe('parameter.unknown');
  });

  it('answers 404 for unknown pipelines, runs and steps', async () => {
    const urls: Array<['GET' | 'POST', string]> = [
      ['POST', '/api/pipelines/nope/runs'],
      ['GET', '/api/runs/nope'],
      ['POST', '/api/runs/nope/cancel'],
      ['POST', '/api/runs/nope/resume'],
      ['GET', '/api/runs/nope/events'],
      ['GET', '/api/runs/nope/steps/a/logs'],
      ['GET', '/api/runs/nope/steps/a/metric-points'],
    ];
    for (const [method, url] of urls) {
      const reply = await app.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}) });
      expect(reply.statusCode, url).toBe(404);
      expect(reply.json().error, url).toBe('not-found');
    }
    const id = await savePipeline(app, pipeline('one', [{ id: 'a', type: 't.sleep' }]));
    const run = await waitForRun(app, (await startRun(app, id)).id);
    const logs = await app.inject({ method: 'GET', url: `/api/runs/${run.id}/steps/zz/logs` });
    expect(logs.statusCode).toBe(404);
    expect(logs.json().message).toMatch(/no step "zz"/);
    const points = await app.inject({ method: 'GET', url: `/api/runs/${run.id}/steps/zz/metric-points` });
    expect(points.statusCode).toBe(404);
    expect(points.json().message).toMatch(/no step "zz"/);
  });

  it('streams every event as server-sent events and resumes after Last-Event-ID', async () => {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const id = await savePipeline(
      app,
      pipeline(
        'stream',
        [
          { id: 'a', type: 't.sleep', params: { ms: 200 } },
          { id: 'b', type: 't.sum' },
        ],
        ['a.value->b.values'],
      ),
    );
    const { id: runId } = await startRun(app, id);
    const live = await readEvents(base, runId, { until: (events) => events.some((e) => e.kind === 'run.finished') });
    expect(live.contentType).toMatch(/^text\/event-stream/);
    expect(live.ids).toEqual(live.events.map((_, index) => index + 1));
    expect(live.events[0]?.kind).toBe('run.started');
    expect(live.events.at(-1)).toMatchObject({ kind: 'run.finished', status: 'succeeded' });

    const resumed = await readEvents(base, runId, {
      lastEventId: 3,
      until: (events) => events.some((e) => e.kind === 'run.finished'),
    });
    expect(resumed.ids[0]).toBe(4);
    expect(resumed.events).toEqual(live.events.slice(3));
  });

  it('keeps every step’s logs by attempt', async () => {
    const id = await savePipeline(app, pipeline('logs', [{ id: 'a', type: 't.flaky', params: { succeedOn: 2 } }]));
    const run = await waitForRun(app, (await startRun(app, id)).id);
    expect(run.status).toBe('succeeded');
    const all = (await app.inject({ method: 'GET', url: `/api/runs/${run.id}/steps/a/logs` })).json().logs;
    expect(all.map((l: { attempt: number; level: string }) => [l.attempt, l.level])).toContainEqual([1, 'debug']);
    const second = (await app.inject({ method: 'GET', url: `/api/runs/${run.id}/steps/a/logs?attempt=2` })).json();
    expect(second.logs.every((l: { attempt: number }) => l.attempt === 2)).toBe(true);
  });

  it('keeps every curve point a step reported, by attempt, and thins long curves on request', async () => {
    const id = await savePipeline(
      app,
      pipeline('curve', [{ id: 'c', type: 't.curve', params: { points: 30, succeedOn: 2 } }]),
    );
    const run = await waitForRun(app, (await startRun(app, id)).id);
    expect(run.status).toBe('succeeded');
    // The step's row keeps the latest value only; the curve comes from the stored events.
    expect(run.steps[0]?.metrics).toMatchObject({ loss: 1 / 30, validation_loss: 2 / 30, iterations: 30 });
    type Reply = {
      points: Array<{ attempt: number; name: string; step: number; value: number; seq: number }>;
      thinned: boolean;
    };
    const get = async (query: string) =>
      (await app.inject({ method: 'GET', url: `/api/runs/${run.id}/steps/c/metric-points${query}` })).json() as Reply;

    const all = await get('');
    expect(all.thinned).toBe(false);
    expect(all.points).toHaveLength(2 * 45);
    expect(all.points.some((point) => point.name === 'iterations')).toBe(false);
    const seqs = all.points.map((point) => point.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    const second = await get('?attempt=2');
    expect(second.points.every((point) => point.attempt === 2)).toBe(true);
    const loss = second.points.filter((point) => point.name === 'loss');
    expect(loss.map((point) => point.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(loss[2]?.value).toBe(1 / 3);
    expect(second.points.filter((point) => point.name === 'validation_loss')).toHaveLength(15);

    expect(await get('?latest=true')).toEqual(second);

    const thinned = await get('?attempt=2&maxPoints=5');
    expect(thinned.thinned).toBe(true);
    expect(thinned.points.filter((point) => point.name === 'loss').map((point) => point.step)).toEqual([
      1, 8, 16, 23, 30,
    ]);
    expect(thinned.points.filter((point) => point.name === 'validation_loss')).toHaveLength(5);

    const tooFew = await app.inject({ method: 'GET', url: `/api/runs/${run.id}/steps/c/metric-points?maxPoints=1` });
    expect(tooFew.statusCode).toBe(400);
    expect(tooFew.json().message).toMatch(/maxPoints/);
  });

  it('confines document paths to the data roots', async () => {
    await writeFile(join(dirs.dir, 'secret.txt'), 'not for documents');
    const id = await savePipeline(
      app,
      pipeline('escape', [{ id: 'a', type: 't.sleep', params: { trace: '../secret.txt' } }]),
    );
    const run = await waitForRun(app, (await startRun(app, id)).id);
    expect(run.status).toBe('failed');
    expect(run.steps[0]?.failure?.message).toMatch(/path "\.\.\/secret\.txt" is outside the data folders/);
  });

  it('lists runs newest first and filters them by pipeline and status', async () => {
    const ok = await savePipeline(app, pipeline('ok', [{ id: 'a', type: 't.sleep' }]));
    const bad = await savePipeline(app, pipeline('bad', [{ id: 'a', type: 't.fail' }]));
    const first = await waitForRun(app, (await startRun(app, ok)).id);
    const second = await waitForRun(app, (await startRun(app, bad)).id);
    const all = (await app.inject({ method: 'GET', url: '/api/runs' })).json().runs;
    expect(all.map((r: { id: string }) => r.id)).toEqual([second.id, first.id]);
    const failed = (await app.inject({ method: 'GET', url: '/api/runs?status=failed' })).json().runs;
    expect(failed.map((r: { pipelineId: string }) => r.pipelineId)).toEqual([bad]);
    const ofOk = (await app.inject({ method: 'GET', url: `/api/runs?pipelineId=${ok}` })).json().runs;
    expect(ofOk).toHaveLength(1);
    expect(ofOk[0].stepCounts).toEqual({ succeeded: 1 });
  });

  it('shows a running run’s progress, and a cancelled one as cancelled', async () => {
    const id = await savePipeline(app, pipeline('slow', [{ id: 'a', type: 't.sleep', params: { ms: 20_000 } }]));
    const { id: runId } = await startRun(app, id);
    const running = await waitFor(
      () => getRun(app, runId),
      (run) => run.steps[0]?.progress !== undefined,
    );
    expect(running.status).toBe('running');
    expect(running.steps[0]?.progress).toEqual({ fraction: 0, message: 'sleeping' });
    expect(
      (await app.inject({ method: 'POST', url: `/api/runs/${runId}/cancel`, headers: JSON_TYPE })).statusCode,
    ).toBe(202);
    expect((await waitForRun(app, runId)).status).toBe('cancelled');
  });
});
