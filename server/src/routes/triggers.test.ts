import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../store/store-types.ts';
import type { Trigger, TriggerFire } from '../store/trigger-types.ts';
import { createTestApp, type TestApp, testDocument } from '../test-fixtures/test-app.ts';

const JSON_TYPE = { 'content-type': 'application/json' } as const;

let test: TestApp;
let pipelineId: string;

beforeEach(async () => {
  test = await createTestApp();
  // The source step reads this file: without it every run would be refused before it starts.
  await writeFile(join(test.home, 'data.parquet'), '');
  const saved = await test.app.inject({ method: 'POST', url: '/api/pipelines', payload: testDocument() });
  pipelineId = saved.json<{ id: string }>().id;
});

afterEach(async () => {
  await test.close();
});

async function create(body: Record<string, unknown>) {
  return test.app.inject({ method: 'POST', url: '/api/triggers', payload: { pipelineId, ...body } });
}

describe('trigger routes', () => {
  it('creates a schedule, lists it with its next tick, pauses and resumes it, and deletes it', async () => {
    const created = await create({ name: 'nightly', kind: 'schedule', cron: '0 3 * * *', timezone: 'europe/paris' });
    expect(created.statusCode).toBe(201);
    const { trigger } = created.json<{ trigger: Trigger; secret?: string }>();
    expect(created.json()).not.toHaveProperty('secret');
    expect(trigger).toMatchObject({
      name: 'nightly',
      kind: 'schedule',
      pipelineId,
      cron: '0 3 * * *',
      timezone: 'Europe/Paris',
      paused: false,
      parameters: {},
    });
    expect(Date.parse(trigger.nextTick ?? '')).toBeGreaterThan(Date.now());

    const list = await test.app.inject({ method: 'GET', url: `/api/triggers?pipelineId=${pipelineId}` });
    expect(list.json<{ triggers: Trigger[] }>().triggers.map((t) => t.id)).toEqual([trigger.id]);
    const other = await test.app.inject({ method: 'GET', url: '/api/triggers?pipelineId=nope' });
    expect(other.json()).toEqual({ triggers: [] });

    const paused = await test.app.inject({
      method: 'PATCH',
      url: `/api/triggers/${trigger.id}`,
      payload: { paused: true, parameters: { epochs: 7 } },
    });
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ paused: true, parameters: { epochs: 7 } });
    expect(paused.json()).not.toHaveProperty('nextTick');

    const resumed = await test.app.inject({
      method: 'PATCH',
      url: `/api/triggers/${trigger.id}`,
      payload: { paused: false, cron: '*/15 * * * *', timezone: 'UTC' },
    });
    expect(resumed.json()).toMatchObject({ paused: false, cron: '*/15 * * * *', timezone: 'UTC' });
    expect(new Date(resumed.json<Trigger>().nextTick ?? '').getUTCMinutes() % 15).toBe(0);

    const removed = await test.app.inject({ method: 'DELETE', url: `/api/triggers/${trigger.id}` });
    expect(removed.statusCode).toBe(204);
    expect((await test.app.inject({ method: 'GET', url: `/api/triggers/${trigger.id}` })).statusCode).toBe(404);
    expect((await test.app.inject({ method: 'DELETE', url: `/api/triggers/${trigger.id}` })).statusCode).toBe(404);
  });

  it('answers 400 naming a bad cron expression, time zone, pipeline or parameter', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ cron: '61 * * * *' }, '/cron', /^cron: "61" at position 1 \(minute\)/],
      [{ cron: '* * *' }, '/cron', /^cron: "\* \* \*" has 3 fields/],
      [{ cron: '0 3 * * *', timezone: 'Europe/Atlantis' }, '/timezone', /^timezone: "Europe\/Atlantis" is not/],
      [{ cron: '0 3 * * *', pipelineId: 'nope' }, '/pipelineId', /^pipelineId: no pipeline "nope"/],
      [{ cron: '0 3 * * *', pipelineVersion: 9 }, '/pipelineVersion', /has no version 9/],
      [
        { cron: '0 3 * * *', parameters: { epoch: 3 } },
        '/parameters/epoch',
        /has no parameter "epoch" \(it declares epochs\)/,
      ],
      [{ cron: '0 3 * * *', parameters: { epochs: 2.5 } }, '/parameters/epochs', /"epochs" must be an integer/],
      [{}, '/cron', /a schedule needs a cron expression/],
    ];
    for (const [body, path, message] of cases) {
      const reply = await create({ name: 'bad', kind: 'schedule', ...body });
      expect(reply.statusCode, JSON.stringify(body)).toBe(400);
      expect(reply.json()).toMatchObject({ error: 'bad-request', problems: [{ in: 'body', path }] });
      expect(reply.json<{ message: string }>().message).toMatch(message);
    }
    const schedule = (await create({ name: 'ok', kind: 'schedule', cron: '0 3 * * *' })).json<{ trigger: Trigger }>();
    const badEdit = await test.app.inject({
      method: 'PATCH',
      url: `/api/triggers/${schedule.trigger.id}`,
      payload: { cron: '0 0 32 * *' },
    });
    expect(badEdit.statusCode).toBe(400);
    expect(badEdit.json<{ message: string }>().message).toMatch(/^cron: "32" at position 5 \(day of month\)/);
    expect(
      (await test.app.inject({ method: 'GET', url: '/api/triggers' })).json<{ triggers: Trigger[] }>().triggers,
    ).toHaveLength(1);
  });

  it('answers a webhook’s secret once, on create and on rotation, and never in a listing', async () => {
    const created = await create({ name: 'github-push', kind: 'webhook' });
    expect(created.statusCode).toBe(201);
    const { trigger, secret } = created.json<{ trigger: Trigger & { hookPath: string }; secret: string }>();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(trigger.hookPath).toBe(`/api/hooks/${trigger.id}`);
    for (const url of ['/api/triggers', `/api/triggers/${trigger.id}`]) {
      const body = (await test.app.inject({ method: 'GET', url })).body;
      expect(body).not.toContain(secret);
      expect(body).not.toContain('"secret"');
    }
    const rotated = await test.app.inject({
      method: 'POST',
      url: `/api/triggers/${trigger.id}/secret`,
      headers: JSON_TYPE,
    });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json<{ secret: string }>().secret).not.toBe(secret);
    const short = await test.app.inject({
      method: 'POST',
      url: `/api/triggers/${trigger.id}/secret`,
      payload: { secret: 'short' },
    });
    expect(short.statusCode).toBe(400);
    const onSchedule = await create({ name: 'webhook with a cron', kind: 'webhook', cron: '0 3 * * *' });
    expect(onSchedule.statusCode).toBe(400);
    expect(onSchedule.json<{ message: string }>().message).toMatch(/^cron: a webhook has no schedule/);
  });

  it('lists the triggers in the OpenAPI document', async () => {
    const spec = (await test.app.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, object>;
    }>();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/triggers', '/api/triggers/{id}', '/api/triggers/{id}/fires', '/api/hooks/{id}']),
    );
  });
});

describe('schedules through the app', () => {
  it('starts a run on each tick, each run naming its schedule', async () => {
    const created = await create({ name: 'every second', kind: 'schedule', cron: '* * * * * *' });
    const { trigger } = created.json<{ trigger: Trigger }>();
    const deadline = Date.now() + 10_000;
    let runs: RunSummary[] = [];
    while (runs.length < 2 && Date.now() < deadline) {
      await new Promise((resolveLater) => setTimeout(resolveLater, 100));
      runs = (await test.app.inject({ method: 'GET', url: `/api/runs?trigger=${trigger.id}` })).json<{
        runs: RunSummary[];
      }>().runs;
    }
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs[0]?.trigger).toEqual({ kind: 'schedule', id: trigger.id, name: 'every second' });
    const fires = (await test.app.inject({ method: 'GET', url: `/api/triggers/${trigger.id}/fires` })).json<{
      fires: TriggerFire[];
    }>().fires;
    const started = fires.filter((fire) => fire.outcome === 'started');
    expect(new Set(started.map((fire) => fire.at)).size).toBe(started.length);
    expect(started.map((fire) => fire.runId)).toEqual(expect.arrayContaining(runs.map((run) => run.id)));
    // Runs started by hand name no trigger, and the filter leaves them out.
    const byHand = await test.app.inject({
      method: 'POST',
      url: `/api/pipelines/${pipelineId}/runs`,
      headers: JSON_TYPE,
    });
    expect(byHand.json()).not.toHaveProperty('trigger');
  });
});
