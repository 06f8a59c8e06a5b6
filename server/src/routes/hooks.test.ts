import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import type { RunSummary, StoredRun } from '../store/store-types.ts';
import type { Trigger, TriggerFire } from '../store/trigger-types.ts';
import { testDocument, testRegistry } from '../test-fixtures/test-app.ts';
import { signBody } from '../triggers/webhook-signature.ts';

const TOKEN = 'a-token-for-the-api';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const PUSH = JSON.stringify({ ref: 'refs/heads/main', after: 'abc123' });

let home: string;
let app: FastifyInstance;
let pipelineId: string;

async function startApp(): Promise<FastifyInstance> {
  const built = await buildApp({
    registry: testRegistry(),
    home,
    dataRoots: [home],
    host: '127.0.0.1',
    apiToken: TOKEN,
    inlineConcurrency: 1,
  });
  await built.ready();
  return built;
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'loom-hooks-'));
  await writeFile(join(home, 'data.parquet'), '');
  app = await startApp();
  const saved = await app.inject({ method: 'POST', url: '/api/pipelines', headers: AUTH, payload: testDocument() });
  pipelineId = saved.json<{ id: string }>().id;
});

afterEach(async () => {
  await app.close();
  await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
});

async function webhook(name = 'github-push'): Promise<{ trigger: Trigger; secret: string }> {
  const reply = await app.inject({
    method: 'POST',
    url: '/api/triggers',
    headers: AUTH,
    payload: { name, kind: 'webhook', pipelineId, parameters: { epochs: 2 } },
  });
  if (reply.statusCode !== 201) throw new Error(`creating the webhook gave ${reply.statusCode}: ${reply.body}`);
  return reply.json();
}

function deliver(id: string, headers: Record<string, string>, body = PUSH) {
  return app.inject({
    method: 'POST',
    url: `/api/hooks/${id}`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: body,
  });
}

async function runsOf(triggerId: string): Promise<RunSummary[]> {
  const reply = await app.inject({ method: 'GET', url: `/api/runs?trigger=${triggerId}`, headers: AUTH });
  return reply.json<{ runs: RunSummary[] }>().runs;
}

async function firesOf(triggerId: string): Promise<TriggerFire[]> {
  const reply = await app.inject({ method: 'GET', url: `/api/triggers/${triggerId}/fires`, headers: AUTH });
  return reply.json<{ fires: TriggerFire[] }>().fires;
}

describe('POST /api/hooks/:id', () => {
  it('starts a run for a delivery signed with the secret, without the API token, and the run names its hook', async () => {
    const { trigger, secret } = await webhook();
    const reply = await deliver(trigger.id, {
      'x-hub-signature-256': signBody(secret, PUSH),
      'x-github-delivery': 'delivery-1',
      'x-github-event': 'push',
    });
    expect(reply.statusCode).toBe(202);
    const { run, fire } = reply.json<{ run: RunSummary; fire: TriggerFire }>();
    expect(run.trigger).toEqual({ kind: 'webhook', id: trigger.id, name: 'github-push' });
    expect(fire).toMatchObject({
      outcome: 'started',
      runId: run.id,
      details: { delivery: 'delivery-1', event: 'push', ref: 'refs/heads/main' },
    });
    const stored = (await app.inject({ method: 'GET', url: `/api/runs/${run.id}`, headers: AUTH })).json<StoredRun>();
    expect(stored.trigger).toEqual({ kind: 'webhook', id: trigger.id, name: 'github-push' });
    expect(stored.options.parameters).toEqual({ epochs: 2 });
    expect((await runsOf(trigger.id)).map((r) => r.id)).toEqual([run.id]);

    const loom = await deliver(trigger.id, { 'x-loom-signature': signBody(secret, '{}') }, '{}');
    expect(loom.statusCode).toBe(202);
  });

  it('answers 401 for a bad or missing signature, runs nothing and records the refusal', async () => {
    const { trigger, secret } = await webhook();
    const cases: Array<Record<string, string>> = [
      {},
      { 'x-loom-signature': signBody('not-the-secret-at-all', PUSH) },
      { 'x-loom-signature': signBody(secret, `${PUSH} `) },
      { 'x-hub-signature-256': 'sha256=zz' },
      { 'x-hub-signature-256': signBody(secret, PUSH).replace('sha256=', 'sha1=') },
    ];
    for (const headers of cases) {
      const reply = await deliver(trigger.id, headers);
      expect(reply.statusCode, JSON.stringify(headers)).toBe(401);
      expect(reply.json()).toMatchObject({ error: 'unauthorized' });
    }
    expect(await runsOf(trigger.id)).toEqual([]);
    const fires = await firesOf(trigger.id);
    expect(fires.map((f) => f.outcome)).toEqual(Array(cases.length).fill('refused'));
    expect(fires.at(-1)?.message).toMatch(/not signed/);
  });

  it('refuses a delivery signed with a secret rotated away', async () => {
    const { trigger, secret } = await webhook();
    await app.inject({
      method: 'POST',
      url: `/api/triggers/${trigger.id}/secret`,
      headers: { ...AUTH, 'content-type': 'application/json' },
    });
    expect((await deliver(trigger.id, { 'x-loom-signature': signBody(secret, PUSH) })).statusCode).toBe(401);
  });

  it('answers 409 naming a paused hook, and 404 for an unknown one', async () => {
    const { trigger, secret } = await webhook('deploy-hook');
    await app.inject({ method: 'PATCH', url: `/api/triggers/${trigger.id}`, headers: AUTH, payload: { paused: true } });
    const paused = await deliver(trigger.id, { 'x-loom-signature': signBody(secret, PUSH) });
    expect(paused.statusCode).toBe(409);
    expect(paused.json<{ message: string }>().message).toBe('webhook "deploy-hook" is paused: resume it to start runs');
    expect(await runsOf(trigger.id)).toEqual([]);

    const unknown = await deliver('tr-nothing-here', { 'x-loom-signature': signBody(secret, PUSH) });
    expect(unknown.statusCode).toBe(404);
  });

  it('answers GitHub’s ping and runs nothing', async () => {
    const { trigger, secret } = await webhook();
    const body = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const reply = await deliver(
      trigger.id,
      { 'x-hub-signature-256': signBody(secret, body), 'x-github-event': 'ping' },
      body,
    );
    expect(reply.statusCode).toBe(200);
    expect(await runsOf(trigger.id)).toEqual([]);
  });

  it('keeps every other trigger route behind the API token', async () => {
    const { trigger } = await webhook();
    for (const [method, url] of [
      ['GET', '/api/triggers'],
      ['GET', `/api/triggers/${trigger.id}`],
      ['GET', `/api/triggers/${trigger.id}/fires`],
      ['DELETE', `/api/triggers/${trigger.id}`],
    ] as const) {
      expect((await app.inject({ method, url })).statusCode, `${method} ${url}`).toBe(401);
    }
    const rotate = await app.inject({
      method: 'POST',
      url: `/api/triggers/${trigger.id}/secret`,
      headers: { 'content-type': 'application/json' },
    });
    expect(rotate.statusCode).toBe(401);
  });

  it('keeps triggers, their fires and the runs’ triggers across a restart', async () => {
    const { trigger, secret } = await webhook();
    const schedule = await app.inject({
      method: 'POST',
      url: '/api/triggers',
      headers: AUTH,
      payload: { name: 'nightly', kind: 'schedule', pipelineId, cron: '0 3 * * *', timezone: 'Europe/Paris' },
    });
    const delivered = await deliver(trigger.id, { 'x-loom-signature': signBody(secret, PUSH) });
    const runId = delivered.json<{ run: RunSummary }>().run.id;
    await app.close();

    app = await startApp();
    const listed = (await app.inject({ method: 'GET', url: '/api/triggers', headers: AUTH })).json<{
      triggers: Trigger[];
    }>();
    expect(listed.triggers.map((t) => t.name)).toEqual(['github-push', 'nightly']);
    expect(listed.triggers[0]?.lastFire).toMatchObject({ outcome: 'started', runId });
    expect(listed.triggers[1]?.nextTick).toBe(schedule.json<{ trigger: Trigger }>().trigger.nextTick);
    expect((await runsOf(trigger.id)).map((run) => run.trigger)).toEqual([
      { kind: 'webhook', id: trigger.id, name: 'github-push' },
    ]);
    // The secret survived too: the next delivery is accepted.
    expect((await deliver(trigger.id, { 'x-loom-signature': signBody(secret, PUSH) })).statusCode).toBe(202);
  });
});
