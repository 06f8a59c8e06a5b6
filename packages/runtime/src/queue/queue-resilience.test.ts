import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../testing/index.ts';
import { BullMqTransport, type BullMqTransportOptions } from './bullmq-transport.ts';
import { reportsStream, stepJobId } from './queue-names.ts';
import { StepWorker } from './step-worker.ts';
import {
  attemptRequest,
  QueueWorkspace,
  recordingHooks,
  testRegistryModule,
  testStep,
  uniquePrefix,
} from './test-fixtures/queue-harness.ts';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const workerMain = fileURLToPath(new URL('./test-fixtures/worker-main.ts', import.meta.url));

let redis: TestRedisServer;
let workspace: QueueWorkspace;
let prefix: string;
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  workspace = await QueueWorkspace.create();
  prefix = uniquePrefix();
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await redis.stop();
  await workspace.remove();
});

function inProcessWorker(): StepWorker {
  const worker = new StepWorker({
    connection: redis.url,
    prefix,
    backend: 'cpu',
    concurrency: 2,
    pool: { registryModule: testRegistryModule, storeRoot: workspace.root, baseDir: workspace.root, size: 1 },
    store: workspace.store,
    name: 'survivor',
  });
  closers.push(() => worker.close());
  return worker;
}

function transport(options: Partial<BullMqTransportOptions> = {}): BullMqTransport {
  const made = new BullMqTransport({ connection: redis.url, prefix, store: workspace.store, ...options });
  closers.push(() => made.close());
  return made;
}

async function spawnWorker(): Promise<ChildProcess> {
  const config = JSON.stringify({ url: redis.url, prefix, storeRoot: workspace.root });
  const child = spawn(process.execPath, ['--import', tsxLoader, workerMain, config], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  closers.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await new Promise<void>((resolveReady, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString('utf8').includes('ready')) resolveReady();
    });
    child.once('exit', (code) => reject(new Error(`the worker process exited with code ${code}`)));
  });
  return child;
}

describe('distributed execution under failures', () => {
  it('hands the job of a SIGKILLed worker to another worker within 15 s', async () => {
    redis = await startRedisServer();
    const doomed = await spawnWorker();
    const server = transport();
    await server.start();
    const step = testStep('long', 'test.sleep', { ms: 1500 }, { timeoutMs: 30_000 });
    const planSha256 = await workspace.storePlan([step]);
    const { hooks, heard, started } = recordingHooks();
    const running = server.run(attemptRequest(step, { planSha256 }), hooks);
    await started;
    const killedAt = Date.now();
    doomed.kill('SIGKILL');
    await inProcessWorker().start();
    expect(await running).toMatchObject({ ok: true });
    expect(heard.filter((event) => event.kind === 'started')).toHaveLength(1);

    const client = new Redis(redis.url);
    const entries = await client.xrange(reportsStream(prefix), '-', '+');
    client.disconnect();
    const jobId = stepJobId('run-1', 'long', 1);
    const starts = entries.filter(([, fields]) => fields[1] === 'started' && fields[3] === jobId);
    expect(starts).toHaveLength(2);
    const pickedUpAt = Number(starts[1]?.[0].split('-')[0]);
    const pickupMs = pickedUpAt - killedAt;
    process.stdout.write(`kill-to-pickup: ${pickupMs} ms\n`);
    expect(pickupMs).toBeLessThan(15_000);
  }, 30_000);

  it('fails a started step whose worker stopped responding', async () => {
    redis = await startRedisServer();
    const frozen = await spawnWorker();
    // Short limits: the step's timeout plus twice the lock duration plus the kill grace is 0.9 s.
    const server = transport({ lockDurationMs: 200, killGraceMs: 100 });
    await server.start();
    const step = testStep('nap', 'test.sleep', { ms: 60_000 }, { timeoutMs: 400 });
    const planSha256 = await workspace.storePlan([step]);
    const { hooks, started } = recordingHooks();
    const running = server.run(attemptRequest(step, { planSha256 }), hooks);
    await started;
    frozen.kill('SIGSTOP');
    expect(await running).toMatchObject({
      ok: false,
      failure: { reason: 'timeout', message: 'the worker running it stopped responding' },
      retryable: false,
    });
  });

  it('keeps attempts and reports through a Redis restart', async () => {
    redis = await startRedisServer({ appendOnly: true });
    const states: boolean[] = [];
    const server = transport({ onRedisState: (up) => states.push(up) });
    await server.start();
    await inProcessWorker().start();
    const step = testStep('nap', 'test.sleep', { ms: 1500 });
    const planSha256 = await workspace.storePlan([step]);
    const { hooks, started } = recordingHooks();
    const running = server.run(attemptRequest(step, { planSha256 }), hooks);
    await started;
    await redis.restart();
    expect(await running).toMatchObject({ ok: true });
    expect(states).toEqual([true, false, true]);
    expect(server.redisUp).toBe(true);
  }, 20_000);

  it('queues again an attempt whose job Redis lost', async () => {
    redis = await startRedisServer();
    const server = transport();
    await server.start();
    const step = testStep('a', 'test.noop', {}, { timeoutMs: 1000 });
    const planSha256 = await workspace.storePlan([step]);
    const running = server.run(attemptRequest(step, { planSha256 }), recordingHooks().hooks);
    await new Promise((resolveLater) => setTimeout(resolveLater, 200));
    // Without persistence a crash loses the queue; a worker arrives afterwards.
    await redis.kill();
    await redis.restart();
    await inProcessWorker().start();
    expect(await running).toMatchObject({ ok: true });
  }, 20_000);
});
