/**
 * Crash safety, with a real Redis and real processes: a worker killed mid-step, the server killed
 * mid-run, Redis restarted mid-run, and a step whose backend has no worker at all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startRedisServer, type TestRedisServer } from '@loom/runtime/testing';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredRun } from '../src/store/store-types.ts';
import {
  isFinished,
  makeDirs,
  pipeline,
  readTrace,
  savePipeline,
  startRun,
  type TestDirs,
  testApp,
  testWorker,
  waitFor,
  waitForRun,
} from './harness.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Proc {
  child: ChildProcess;
  /** The first stdout line matching, e.g. `listening http://…`. */
  line: Promise<string>;
  /** SIGKILL to the whole process group: the worker and its step runners die together. */
  kill(): void;
}

const processes: Proc[] = [];
const cleanups: Array<() => Promise<void>> = [];

function startProcess(script: string, env: Record<string, string>, expect: RegExp): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const line = new Promise<string>((resolveLine, rejectLine) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (text) => {
      if (expect.test(text)) resolveLine(text);
    });
    child.once('exit', (code, signal) => rejectLine(new Error(`${script} exited (${code ?? signal}): ${stderr}`)));
  });
  const proc: Proc = {
    child,
    line,
    kill: () => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
  processes.push(proc);
  return proc;
}

afterEach(async () => {
  for (const proc of processes.splice(0)) proc.kill();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, 30_000);

async function setup(options: { appendOnly?: boolean } = {}) {
  const redis = await startRedisServer(options.appendOnly === true ? { appendOnly: true } : {});
  const dirs = await makeDirs();
  cleanups.push(
    () => redis.stop(),
    () => dirs.cleanup(),
  );
  const queuePrefix = `crash${process.pid}x${cleanups.length}`;
  const env = {
    LOOM_HOME: dirs.home,
    LOOM_DATA_ROOTS: dirs.dataRoot,
    REDIS_URL: redis.url,
    LOOM_QUEUE_PREFIX: queuePrefix,
  };
  return { redis, dirs, queuePrefix, env };
}

async function inProcessApp(dirs: TestDirs, redis: TestRedisServer, queuePrefix: string): Promise<FastifyInstance> {
  const app = await testApp({ dirs, redisUrl: redis.url, queuePrefix });
  cleanups.push(() => app.close());
  return app;
}

async function http(base: string, path: string, init?: RequestInit): Promise<Response> {
  return fetch(`${base}${path}`, init);
}

describe('crash safety', () => {
  it('runs a step again on another worker within 15 s when its worker is killed mid-step', async () => {
    const { redis, dirs, queuePrefix, env } = await setup();
    const app = await inProcessApp(dirs, redis, queuePrefix);
    const workers = [startProcess('worker-main.ts', env, /^ready/), startProcess('worker-main.ts', env, /^ready/)];
    await Promise.all(workers.map((w) => w.line));

    const trace = join(dirs.dataRoot, 'kill.trace');
    const id = await savePipeline(
      app,
      pipeline(
        'kill-worker',
        [
          { id: 'long', type: 't.sleep', params: { ms: 4000, value: 3, trace: 'kill.trace' } },
          { id: 'after', type: 't.sum', params: { trace: 'kill.trace' } },
        ],
        ['long.value->after.values'],
      ),
    );
    const { id: runId } = await startRun(app, id);
    const deadline = Date.now() + 20_000;
    let started = await readTrace(trace);
    while (started.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      started = await readTrace(trace);
    }
    const victim = workers.find((w) => w.child.pid === started[0]?.workerPid);
    expect(victim, 'the step started on one of the two workers').toBeDefined();
    victim?.kill();
    const killedAt = Date.now();

    const run = await waitForRun(app, runId, 45_000);
    expect(run.status).toBe('succeeded');
    const starts = (await readTrace(trace)).filter((t) => t.step === 'long' && t.what === 'start');
    expect(starts).toHaveLength(2);
    expect(starts[1]?.workerPid).not.toBe(victim?.child.pid);
    expect((starts[1]?.at ?? Number.POSITIVE_INFINITY) - killedAt).toBeLessThan(15_000);
    // One result per step, and every output is in the store.
    app.runs.flushEvents();
    const succeeded = app.store.eventsAfter(runId, 0, 10_000).filter((e) => e.kind === 'step.succeeded');
    expect(succeeded.map((e) => ('stepId' in e ? e.stepId : ''))).toEqual(['long', 'after']);
    for (const step of run.steps) {
      for (const output of Object.values(step.outputs))
        expect(await app.artifacts.has(output.sha256, output.size)).toBe(true);
    }
    const total = await app.inject({ method: 'GET', url: `/api/artifacts/${run.steps[1]?.outputs.value?.sha256}` });
    expect(total.json()).toBe(3);
  }, 60_000);

  it('continues a run to completion after the server is killed and started again', async () => {
    const { dirs, env } = await setup();
    const worker = startProcess('worker-main.ts', env, /^ready/);
    await worker.line;
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    const serverEnv = { ...env, PORT: port };
    let server = startProcess('server-main.ts', serverEnv, /^listening /);
    const base = (await server.line).replace('listening ', '');

    const trace = join(dirs.dataRoot, 'restart.trace');
    const document = pipeline(
      'restart-server',
      [
        { id: 's1', type: 't.sleep', params: { ms: 800, value: 1, trace: 'restart.trace' } },
        { id: 's2', type: 't.sleep', params: { ms: 1500, value: 2, trace: 'restart.trace' } },
        { id: 's3', type: 't.sum', params: { trace: 'restart.trace' } },
      ],
      ['s1.value->s2.after', 's2.value->s3.values'],
    );
    const saved = (await (
      await http(base, '/api/pipelines', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(document),
      })
    ).json()) as { id: string };
    const started = (await (
      await http(base, `/api/pipelines/${saved.id}/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
    ).json()) as StoredRun;

    const deadline = Date.now() + 20_000;
    while (!(await readTrace(trace)).some((t) => t.step === 's2' && t.what === 'start') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    server.kill();
    await new Promise((r) => setTimeout(r, 300));
    server = startProcess('server-main.ts', serverEnv, /^listening /);
    await server.line;

    const run = await waitFor(
      async () => (await http(base, `/api/runs/${started.id}`)).json() as Promise<StoredRun>,
      isFinished,
      30_000,
    );
    expect(run.status).toBe('succeeded');
    expect(run.resumeCount).toBe(1);
    const starts = (await readTrace(trace)).filter((t) => t.what === 'start').map((t) => t.step);
    expect(starts).toEqual(['s1', 's2', 's3']);
  }, 60_000);

  it('rides out a Redis restart: the API reports the outage, then the run completes', async () => {
    const { redis, dirs, queuePrefix, env } = await setup({ appendOnly: true });
    const app = await inProcessApp(dirs, redis, queuePrefix);
    const worker = startProcess('worker-main.ts', env, /^ready/);
    await worker.line;
    const trace = join(dirs.dataRoot, 'redis.trace');
    const id = await savePipeline(
      app,
      pipeline(
        'redis-restart',
        [
          { id: 's1', type: 't.sleep', params: { ms: 1500, value: 4, trace: 'redis.trace' } },
          { id: 's2', type: 't.sleep', params: { ms: 200, value: 5, trace: 'redis.trace' } },
        ],
        ['s1.value->s2.after'],
      ),
    );
    const { id: runId } = await startRun(app, id);
    const deadline = Date.now() + 20_000;
    while ((await readTrace(trace)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));

    await redis.shutdown();
    const health = await waitForHealth(app, 503);
    expect(health).toMatchObject({ status: 'degraded', redis: 'down' });
    const during = await app.inject({ method: 'GET', url: `/api/runs/${runId}` });
    expect(during.statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    await redis.restart();

    const run = await waitForRun(app, runId, 45_000);
    expect(run.status).toBe('succeeded');
    expect(await waitForHealth(app, 200)).toMatchObject({ status: 'ok', redis: 'up' });
  }, 60_000);

  it('fails a step that no worker takes, with the reason, after its timeout', async () => {
    const { redis, dirs, queuePrefix } = await setup();
    const app = await inProcessApp(dirs, redis, queuePrefix);
    const worker = await testWorker({ dirs, redisUrl: redis.url, queuePrefix, backend: 'cpu' });
    cleanups.push(() => worker.close());
    const id = await savePipeline(app, pipeline('no-gpu', [{ id: 'gpu', type: 't.gpu', timeoutMs: 1500, retries: 0 }]));
    const run = await waitForRun(app, (await startRun(app, id)).id, 20_000);
    expect(run.status).toBe('failed');
    expect(run.steps[0]?.failure?.reason).toBe('timeout');
    expect(run.steps[0]?.failure?.message).toMatch(/no worker for backend "gpu"/);
    const depths = await app.runs.queueDepths();
    expect(depths.gpu?.waiting ?? 0).toBe(0);
  }, 30_000);
});

async function waitForHealth(app: FastifyInstance, code: number): Promise<unknown> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const reply = await app.inject({ method: 'GET', url: '/healthz' });
    if (reply.statusCode === code) return reply.json();
    if (Date.now() > deadline) throw new Error(`healthz stayed ${reply.statusCode}: ${reply.body}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
