/**
 * `loom start` and `loom worker` as a user runs them: real processes, the built-in ML nodes, and the
 * iris example submitted over HTTP, first with steps in the server, then on BullMQ with a worker.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '@loom/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLES, loom } from './loom-process.ts';
import { json, type LoomServerProcess, startLoom as startLoomProcess } from './loom-server.ts';

const IRIS = join(EXAMPLES, 'iris-classification');
const running: ChildProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

/** Starts `loom ARGS`, killed after the test. */
function startLoom(args: string[], env: Record<string, string>, ready: RegExp): LoomServerProcess {
  const started = startLoomProcess(args, env, ready);
  running.push(started.child);
  return started;
}

afterEach(async () => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, 30_000);

interface Run {
  id: string;
  status: string;
  steps: Array<{ id: string; status: string; outputs: Record<string, { sha256: string }>; failure?: unknown }>;
}

/** Submits the iris example to the server at `base` and waits for the run to end. */
async function runIris(base: string): Promise<Run> {
  const document = JSON.parse(await readFile(join(IRIS, 'pipeline.loom.json'), 'utf8'));
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const saved = await json<{ id: string }>(await post('/api/pipelines', document));
  let run = await json<Run>(await post(`/api/pipelines/${saved.id}/runs`, {}));
  const deadline = Date.now() + 90_000;
  while (!['succeeded', 'failed', 'cancelled'].includes(run.status)) {
    if (Date.now() > deadline) throw new Error(`the run did not finish: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 200));
    run = await json<Run>(await fetch(`${base}/api/runs/${run.id}`));
  }
  return run;
}

async function accuracyOf(base: string, run: Run): Promise<number> {
  const metrics = run.steps.find((s) => s.id === 'validate')?.outputs.metrics;
  if (metrics === undefined) throw new Error(`no metrics: ${JSON.stringify(run.steps)}`);
  const preview = await json<{ kind: string; value: { accuracy: number } }>(
    await fetch(`${base}/api/artifacts/${metrics.sha256}/preview`),
  );
  expect(preview.kind).toBe('json');
  return preview.value.accuracy;
}

async function tempHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'loom-start-'));
  cleanups.push(() => rm(home, { recursive: true, force: true }));
  return home;
}

describe('loom start', () => {
  it('serves the API, runs the iris example in-process, and stops cleanly on SIGTERM', async () => {
    const home = await tempHome();
    const server = startLoom(['start', '--port', '0', '--home', home], { LOOM_DATA_ROOTS: IRIS }, /serving on/);
    const base = (/serving on (http:\/\/[^ ]+)/.exec(await server.line)?.[1] ?? '') as string;
    expect(await json<{ status: string; transport: string }>(await fetch(`${base}/healthz`))).toMatchObject({
      status: 'ok',
      transport: 'inline',
    });
    const catalog = await json<{ nodes: Array<{ type: string }> }>(await fetch(`${base}/api/nodes`));
    expect(catalog.nodes.map((n) => n.type)).toContain('train.logistic_regression');

    const run = await runIris(base);
    expect(run.status).toBe('succeeded');
    expect(await accuracyOf(base, run)).toBeGreaterThanOrEqual(0.9);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 120_000);

  it('refuses to listen beyond loopback without an API token', async () => {
    const home = await tempHome();
    const result = await loom(['start', '--host', '0.0.0.0', '--port', '0', '--home', home], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/without an API token.*LOOM_API_TOKEN/s);
  });
});

describe('loom worker', () => {
  it('needs REDIS_URL and a known backend', async () => {
    const home = await tempHome();
    const noRedis = await loom(['worker'], home, { REDIS_URL: '' });
    expect(noRedis.code).toBe(2);
    expect(noRedis.stderr).toMatch(/needs REDIS_URL/);
    const badBackend = await loom(['worker', '--backend', 'tpu'], home, { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(badBackend.code).toBe(2);
    expect(badBackend.stderr).toMatch(/--backend must be one of cpu, gpu, kubernetes/);
  });

  it('runs the iris example’s steps for a server on Redis', async () => {
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const home = await tempHome();
    const env = { REDIS_URL: redis.url, LOOM_HOME: home, LOOM_DATA_ROOTS: IRIS, LOOM_QUEUE_PREFIX: 'cli-test' };
    const worker = startLoom(['worker', '--concurrency', '2'], env, /loom worker.*taking cpu steps/);
    const server = startLoom(['start', '--port', '0'], env, /serving on/);
    await worker.line;
    const base = (/serving on (http:\/\/[^ ]+)/.exec(await server.line)?.[1] ?? '') as string;
    expect(await json<{ transport: string; redis: string }>(await fetch(`${base}/healthz`))).toMatchObject({
      transport: 'bullmq',
      redis: 'up',
    });

    const run = await runIris(base);
    expect(run.status).toBe('succeeded');
    expect(await accuracyOf(base, run)).toBeGreaterThanOrEqual(0.9);

    worker.child.kill('SIGTERM');
    server.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(await server.exited).toBe(0);
  }, 150_000);
});
