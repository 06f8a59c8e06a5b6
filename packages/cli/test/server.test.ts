/**
 * `loom start` and `loom worker` as a user runs them: real processes, the built-in ML nodes, and the
 * iris example submitted over HTTP, first with steps run by the server's step runners, then on BullMQ with a worker.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRedisServer } from '@loom/runtime/testing';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, loom } from './loom-process.ts';
import { afterEachTest, json, type RunView, runDocument, startLoom as startLoomProcess } from './loom-server.ts';

const IRIS = join(EXAMPLES, 'iris-classification');
const test = afterEachTest();

/** Starts `loom ARGS`, killed after the test. */
function startLoom(args: string[], env: Record<string, string>, ready: RegExp) {
  return test.track(startLoomProcess(args, env, ready));
}

/** Submits the iris example to the server at `base` and waits for the run to end. */
async function runIris(base: string): Promise<RunView> {
  return runDocument(base, JSON.parse(await readFile(join(IRIS, 'pipeline.loom.json'), 'utf8')));
}

async function accuracyOf(base: string, run: RunView): Promise<number> {
  const metrics = run.steps.find((s) => s.id === 'validate')?.outputs.metrics;
  if (metrics === undefined) throw new Error(`no metrics: ${JSON.stringify(run.steps)}`);
  const preview = await json<{ kind: string; value: { accuracy: number } }>(
    await fetch(`${base}/api/artifacts/${metrics.sha256}/preview`),
  );
  expect(preview.kind).toBe('json');
  return preview.value.accuracy;
}

/** The endpoint the run's deploy step reported, and the registry's view of the iris model. */
async function deployedIris(base: string, run: RunView) {
  const endpoint = run.steps.find((s) => s.id === 'deploy')?.outputs.endpoint;
  if (endpoint === undefined) throw new Error(`no endpoint: ${JSON.stringify(run.steps)}`);
  const preview = await json<{ value: unknown }>(await fetch(`${base}/api/artifacts/${endpoint.sha256}/preview`));
  const model = await json<{ aliases: unknown; endpoint: { routes: unknown } }>(await fetch(`${base}/api/models/iris`));
  return { endpoint: preview.value, aliases: model.aliases, routes: model.endpoint.routes };
}

const IRIS_VERSION_1 = {
  aliases: [{ alias: 'production', version: 1, updatedAt: expect.any(String) }],
  routes: [{ version: 1, percent: 100 }],
};

describe('loom start', () => {
  it('serves the API, runs the iris example in its step-runner processes, and stops cleanly on SIGTERM', async () => {
    const home = await test.tempDir('loom-start-');
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
    // Deployed from a step-runner process into this server's registry, served at this server's address.
    expect(await deployedIris(base, run)).toEqual({
      endpoint: { url: `${base}/v2/models/iris`, model: 'iris', version: 1, alias: 'production' },
      ...IRIS_VERSION_1,
    });

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 120_000);

  it('refuses to listen beyond loopback without an API token', async () => {
    const home = await test.tempDir('loom-start-');
    const result = await loom(['start', '--host', '0.0.0.0', '--port', '0', '--home', home], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/without an API token.*LOOM_API_TOKEN/s);
  });
});

describe('loom worker', () => {
  it('needs REDIS_URL and a known backend', async () => {
    const home = await test.tempDir('loom-start-');
    const noRedis = await loom(['worker'], home, { REDIS_URL: '' });
    expect(noRedis.code).toBe(2);
    expect(noRedis.stderr).toMatch(/needs REDIS_URL/);
    const badBackend = await loom(['worker', '--backend', 'tpu'], home, { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(badBackend.code).toBe(2);
    expect(badBackend.stderr).toMatch(/--backend must be one of cpu, gpu, kubernetes/);
  });

  it('runs the iris example’s steps for a server on Redis', async () => {
    const redis = await startRedisServer();
    test.later(() => redis.stop());
    const home = await test.tempDir('loom-start-');
    const env = { REDIS_URL: redis.url, LOOM_HOME: home, LOOM_DATA_ROOTS: IRIS, LOOM_QUEUE_PREFIX: 'cli-test' };
    const server = startLoom(['start', '--port', '0'], env, /serving on/);
    const base = (/serving on (http:\/\/[^ ]+)/.exec(await server.line)?.[1] ?? '') as string;
    // The worker deploys through the server's API, as one on another machine would.
    const worker = startLoom(
      ['worker', '--concurrency', '2'],
      { ...env, LOOM_API_URL: base },
      /loom worker.*taking cpu steps/,
    );
    expect(await worker.line).toContain(`deploying through ${base}`);
    expect(await json<{ transport: string; redis: string }>(await fetch(`${base}/healthz`))).toMatchObject({
      transport: 'bullmq',
      redis: 'up',
    });

    const run = await runIris(base);
    expect(run.status).toBe('succeeded');
    expect(await accuracyOf(base, run)).toBeGreaterThanOrEqual(0.9);
    expect(await deployedIris(base, run)).toEqual({
      endpoint: { url: `${base}/v2/models/iris`, model: 'iris', version: 1, alias: 'production' },
      ...IRIS_VERSION_1,
    });

    worker.child.kill('SIGTERM');
    server.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(await server.exited).toBe(0);
  }, 150_000);
});
