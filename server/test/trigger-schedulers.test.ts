/**
 * Schedules on BullMQ job schedulers, against a real Redis: two servers on one store and one Redis
 * start one run per tick, and a paused or deleted schedule leaves no job scheduler behind.
 */

import { join } from 'node:path';
import { startRedisServer, type TestRedisServer } from '@loom/runtime/testing';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoomStore } from '../src/store/loom-store.ts';
import type { RunSummary } from '../src/store/store-types.ts';
import type { Trigger, TriggerFire } from '../src/store/trigger-types.ts';
import { TRIGGER_QUEUE } from '../src/triggers/bullmq-scheduler.ts';
import { checkCron } from '../src/triggers/cron.ts';
import { makeDirs, pipeline, savePipeline, type TestDirs, testApp } from './harness.ts';

let redis: TestRedisServer;
let dirs: TestDirs;
const apps: FastifyInstance[] = [];
let queuePrefix: string;
let counter = 0;

beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);

afterAll(async () => {
  await redis.stop();
});

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await dirs.cleanup();
}, 30_000);

async function servers(count: number): Promise<FastifyInstance[]> {
  dirs = await makeDirs();
  queuePrefix = `triggers${process.pid}x${counter++}`;
  for (let i = 0; i < count; i++) apps.push(await testApp({ dirs, redisUrl: redis.url, queuePrefix }));
  return apps;
}

async function schedulerIds(): Promise<string[]> {
  const queue = new Queue(TRIGGER_QUEUE, { connection: { host: '127.0.0.1', port: redis.port }, prefix: queuePrefix });
  try {
    return (await queue.getJobSchedulers()).map((scheduler) => scheduler.key);
  } finally {
    await queue.close();
  }
}

describe('schedules on BullMQ', () => {
  it('starts one run per tick with two servers on one store and one Redis', async () => {
    const [a, b] = (await servers(2)) as [FastifyInstance, FastifyInstance];
    const pipelineId = await savePipeline(a, pipeline('ticking', [{ id: 'one', type: 't.sleep', params: { ms: 0 } }]));
    const created = await b.inject({
      method: 'POST',
      url: '/api/triggers',
      payload: { name: 'every second', kind: 'schedule', pipelineId, cron: '* * * * * *' },
    });
    expect(created.statusCode).toBe(201);
    const { trigger } = created.json<{ trigger: Trigger }>();
    expect(await schedulerIds()).toEqual([trigger.id]);

    await new Promise((resolveLater) => setTimeout(resolveLater, 4_500));
    await b.inject({ method: 'PATCH', url: `/api/triggers/${trigger.id}`, payload: { paused: true } });
    expect(await schedulerIds()).toEqual([]);
    // A tick being handled as the pause came may still land: let it.
    await new Promise((resolveLater) => setTimeout(resolveLater, 300));

    const runs = (await a.inject({ method: 'GET', url: `/api/runs?trigger=${trigger.id}&limit=100` })).json<{
      runs: RunSummary[];
    }>().runs;
    const fires = (await a.inject({ method: 'GET', url: `/api/triggers/${trigger.id}/fires?limit=100` })).json<{
      fires: TriggerFire[];
    }>().fires;
    const started = fires.filter((fire) => fire.outcome === 'started');
    const ticks = started.map((fire) => Date.parse(fire.at)).sort((x, y) => x - y);

    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBe(started.length);
    expect(new Set(ticks).size).toBe(ticks.length);
    // Consecutive seconds: no tick fired twice, none skipped.
    expect(ticks.slice(1).map((tick, index) => tick - (ticks[index] ?? 0))).toEqual(Array(ticks.length - 1).fill(1000));
    expect(runs.every((run) => run.trigger?.id === trigger.id && run.trigger.kind === 'schedule')).toBe(true);
  });

  it('removes the job scheduler of a deleted schedule, and sets it again on resume', async () => {
    const [app] = (await servers(1)) as [FastifyInstance];
    const pipelineId = await savePipeline(
      app,
      pipeline('nightly', [{ id: 'one', type: 't.sleep', params: { ms: 0 } }]),
    );
    const created = await app.inject({
      method: 'POST',
      url: '/api/triggers',
      payload: {
        name: 'nightly',
        kind: 'schedule',
        pipelineId,
        cron: '0 3 * * *',
        timezone: 'Europe/Paris',
        paused: true,
      },
    });
    const { trigger } = created.json<{ trigger: Trigger }>();
    expect(await schedulerIds()).toEqual([]);
    await app.inject({ method: 'PATCH', url: `/api/triggers/${trigger.id}`, payload: { paused: false } });
    expect(await schedulerIds()).toEqual([trigger.id]);
    await app.inject({ method: 'DELETE', url: `/api/triggers/${trigger.id}` });
    expect(await schedulerIds()).toEqual([]);
  });

  it('reports the ticks missed while every server was down, from the store, and runs none', async () => {
    const [first] = (await servers(1)) as [FastifyInstance];
    const pipelineId = await savePipeline(
      first,
      pipeline('hourly', [{ id: 'one', type: 't.sleep', params: { ms: 0 } }]),
    );
    // Half an hour away from now, so that the latest missed tick is well past the minute of grace.
    const minute = (new Date().getUTCMinutes() + 30) % 60;
    const created = await first.inject({
      method: 'POST',
      url: '/api/triggers',
      payload: { name: 'hourly', kind: 'schedule', pipelineId, cron: `${minute} * * * *` },
    });
    const { trigger } = created.json<{ trigger: Trigger }>();
    await first.close();
    apps.splice(0);

    // As if the servers had stopped before a tick three hours ago and come back only now.
    const check = checkCron(`${minute} * * * *`, 'UTC');
    if (!check.ok) throw new Error(check.message);
    const now = Date.now();
    const { ticks } = check.schedule.between(now - 3 * 3_600_000 + 1, now, 10);
    const store = LoomStore.open(join(dirs.home, 'loom.db'));
    store.triggers.updateTrigger(trigger.id, { nextTick: ticks[0] ?? 0 });
    store.close();

    const again = await testApp({ dirs, redisUrl: redis.url, queuePrefix });
    apps.push(again);
    const fires = (await again.inject({ method: 'GET', url: `/api/triggers/${trigger.id}/fires` })).json<{
      fires: TriggerFire[];
    }>().fires;
    const iso = (at: number | undefined) => new Date(at ?? 0).toISOString();
    expect(ticks).toHaveLength(3);
    expect(fires).toEqual([
      expect.objectContaining({
        outcome: 'missed',
        details: { missed: { count: 3, first: iso(ticks[0]), last: iso(ticks[2]) } },
      }),
    ]);
    expect((await again.inject({ method: 'GET', url: `/api/runs?trigger=${trigger.id}` })).json()).toEqual({
      runs: [],
    });
    const reread = (await again.inject({ method: 'GET', url: `/api/triggers/${trigger.id}` })).json<Trigger>();
    expect(reread.nextTick).toBe(iso(check.schedule.next(Date.now())));
    expect(await schedulerIds()).toEqual([trigger.id]);
  });
});
