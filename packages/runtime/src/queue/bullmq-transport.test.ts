import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../testing/index.ts';
import { BullMqTransport, type BullMqTransportOptions } from './bullmq-transport.ts';
import { reportsStream, stepJobId } from './queue-names.ts';
import { StepRunnerPool } from './step-runner-pool.ts';
import { StepWorker } from './step-worker.ts';
import {
  attemptRequest,
  QueueWorkspace,
  recordingHooks,
  testRegistryModule,
  testStep,
  uniquePrefix,
  waitFor,
} from './test-fixtures/queue-harness.ts';

let redis: TestRedisServer;
let client: Redis;
let workspace: QueueWorkspace;
let prefix: string;
let pool: StepRunnerPool;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = await startRedisServer();
  client = new Redis(redis.url);
});

afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

beforeEach(async () => {
  workspace = await QueueWorkspace.create();
  prefix = uniquePrefix();
  pool = new StepRunnerPool({
    registryModule: testRegistryModule,
    storeRoot: workspace.root,
    baseDir: workspace.root,
    size: 4,
    killGraceMs: 500,
  });
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await pool.close();
  await workspace.remove();
});

async function startWorker(
  concurrency = 4,
  lock?: { lockDurationMs: number; stalledIntervalMs: number },
): Promise<StepWorker> {
  const worker = new StepWorker({
    connection: redis.url,
    prefix,
    backend: 'cpu',
    concurrency,
    pool,
    store: workspace.store,
    ...lock,
  });
  closers.push(() => worker.close());
  await worker.start();
  return worker;
}

async function makeTransport(options: Partial<BullMqTransportOptions> = {}, start = true): Promise<BullMqTransport> {
  const transport = new BullMqTransport({
    connection: redis.url,
    prefix,
    store: workspace.store,
    killGraceMs: 500,
    ...options,
  });
  closers.push(() => transport.close());
  if (start) await transport.start();
  return transport;
}

/** `started` reports a job got: how many times a worker took it. */
async function startedReports(jobId: string): Promise<number> {
  const entries = await client.xrange(reportsStream(prefix), '-', '+');
  return entries.filter(([, fields]) => fields[1] === 'started' && fields[3] === jobId).length;
}

describe('BullMqTransport with a StepWorker', () => {
  it('runs an attempt on a worker and relays its reports and outcome', async () => {
    await startWorker();
    const transport = await makeTransport();
    const step = testStep('a', 'test.noop');
    const planSha256 = await workspace.storePlan([step]);
    const { hooks, heard } = recordingHooks();
    const outcome = await transport.run(attemptRequest(step, { planSha256 }), hooks);
    if (!outcome.ok) throw new Error(outcome.failure.message);
    expect(outcome.metrics).toEqual({ answer: 42 });
    expect(await workspace.readJson(outcome.outputs.value)).toEqual({ ok: true });
    expect(heard.map((event) => event.kind)).toEqual(['started', 'log', 'progress', 'metric']);
    expect(heard).toContainEqual({ kind: 'progress', fraction: 0.5, message: 'half way' });
    expect(transport.redisUp).toBe(true);
    // The worker reports the outcome before BullMQ moves the job to completed.
    await vi.waitFor(async () =>
      expect((await transport.queueDepths()).cpu).toEqual({ waiting: 0, active: 0, delayed: 0 }),
    );
  });

  it('passes input records and reports failures as outcomes', async () => {
    await startWorker();
    const transport = await makeTransport();
    const echo = testStep('echo', 'test.echo', {}, { inputs: ['value'] });
    const fail = testStep('fail', 'test.fail', { message: 'broken on purpose' });
    const planSha256 = await workspace.storePlan([echo, fail]);
    const input = await workspace.storeJson([1, 2, 3]);
    const [echoed, failed] = await Promise.all([
      transport.run(attemptRequest(echo, { planSha256, inputs: { value: [input] } }), recordingHooks().hooks),
      transport.run(attemptRequest(fail, { planSha256 }), recordingHooks().hooks),
    ]);
    if (!echoed.ok) throw new Error(echoed.failure.message);
    expect(await workspace.readJson(echoed.outputs.value)).toEqual([1, 2, 3]);
    expect(failed).toMatchObject({ ok: false, failure: { message: 'broken on purpose' }, retryable: true });
  });

  it('sends the first add of a tick at once and the rest of a fan-out in one addBulk', async () => {
    await startWorker(50);
    const transport = await makeTransport();
    const steps = Array.from({ length: 300 }, (_, index) => testStep(`s${index}`, 'test.noop'));
    const planSha256 = await workspace.storePlan(steps);
    const addBulk = vi.spyOn(Queue.prototype, 'addBulk');
    const add = vi.spyOn(Queue.prototype, 'add');
    try {
      const outcomes = await Promise.all(
        steps.map((step) => transport.run(attemptRequest(step, { planSha256 }), recordingHooks().hooks)),
      );
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      expect(add).toHaveBeenCalledTimes(1);
      expect(addBulk).toHaveBeenCalledTimes(1);
      expect(addBulk.mock.calls[0]?.[0]).toHaveLength(299);
    } finally {
      addBulk.mockRestore();
      add.mockRestore();
    }
  });

  it('fails without a plan hash, and for a step missing from the plan', async () => {
    await startWorker();
    const transport = await makeTransport();
    const step = testStep('a', 'test.noop');
    expect(await transport.run(attemptRequest(step), recordingHooks().hooks)).toMatchObject({
      ok: false,
      failure: { message: expect.stringContaining('planSha256') },
    });
    const planSha256 = await workspace.storePlan([testStep('other', 'test.noop')]);
    expect(await transport.run(attemptRequest(step, { planSha256 }), recordingHooks().hooks)).toMatchObject({
      ok: false,
      failure: { message: expect.stringContaining('step "a" is not in the run\'s plan') },
      retryable: false,
    });
  });

  it('does not run a job twice when its attempt is dispatched again', async () => {
    await startWorker();
    const first = await makeTransport();
    const step = testStep('nap', 'test.sleep', { ms: 300 });
    const planSha256 = await workspace.storePlan([step]);
    const { hooks, started } = recordingHooks();
    void first.run(attemptRequest(step, { planSha256 }), hooks);
    await started;
    // The server dies mid-step; once restarted, it dispatches the attempt in flight again.
    await first.close();
    const second = await makeTransport({}, false);
    const again = second.run(attemptRequest(step, { planSha256, redispatch: true }), recordingHooks().hooks);
    await second.start();
    const a = await again;
    expect(a).toMatchObject({ ok: true });
    // Once it has finished, dispatching it again reads the job's return value.
    const third = await makeTransport({}, false);
    const finishedAt = Date.now();
    expect(await third.run(attemptRequest(step, { planSha256, redispatch: true }), recordingHooks().hooks)).toEqual(a);
    // Read at once, not when a watchdog fires.
    expect(Date.now() - finishedAt).toBeLessThan(1000);
    expect(await startedReports(stepJobId('run-1', 'nap', 1))).toBe(1);
  });

  it('keeps the lock of a CPU-bound step alive: it is not taken for stalled', async () => {
    await startWorker(1, { lockDurationMs: 600, stalledIntervalMs: 300 });
    const transport = await makeTransport();
    const step = testStep('spin', 'test.spin', { ms: 2000 });
    const planSha256 = await workspace.storePlan([step]);
    expect(await transport.run(attemptRequest(step, { planSha256 }), recordingHooks().hooks)).toMatchObject({
      ok: true,
    });
    expect(await startedReports(stepJobId('run-1', 'spin', 1))).toBe(1);
  });

  it('cancels a waiting job by removing it', async () => {
    await startWorker(1);
    const transport = await makeTransport();
    const busy = testStep('busy', 'test.sleep', { ms: 60_000 });
    const queued = testStep('queued', 'test.noop');
    const planSha256 = await workspace.storePlan([busy, queued]);
    const busyControl = new AbortController();
    const queuedControl = new AbortController();
    const first = recordingHooks();
    const busyRun = transport.run(attemptRequest(busy, { planSha256, signal: busyControl.signal }), first.hooks);
    await first.started;
    const queuedRun = transport.run(attemptRequest(queued, { planSha256, signal: queuedControl.signal }), first.hooks);
    await waitFor(async () => (await transport.queueDepths()).cpu.waiting === 1);
    queuedControl.abort();
    expect(await queuedRun).toEqual({
      ok: false,
      durationMs: expect.any(Number),
      failure: { reason: 'cancelled', message: 'cancelled' },
      retryable: false,
    });
    expect((await transport.queueDepths()).cpu.waiting).toBe(0);
    busyControl.abort();
    expect(await busyRun).toMatchObject({ ok: false, failure: { reason: 'cancelled' } });
  });

  it('cancels a job whose add is still under way, once the add has landed', async () => {
    const transport = await makeTransport();
    const step = testStep('late', 'test.noop');
    const planSha256 = await workspace.storePlan([step]);
    const controller = new AbortController();
    // No worker yet: the job can only be removed from the queue, never run.
    const run = transport.run(attemptRequest(step, { planSha256, signal: controller.signal }), recordingHooks().hooks);
    controller.abort();
    expect(await run).toMatchObject({ ok: false, failure: { reason: 'cancelled' }, retryable: false });
    expect((await transport.queueDepths()).cpu.waiting).toBe(0);
  });

  it('cancels an active job through the worker', async () => {
    await startWorker();
    const transport = await makeTransport();
    const step = testStep('nap', 'test.sleep', { ms: 60_000 });
    const planSha256 = await workspace.storePlan([step]);
    const controller = new AbortController();
    const { hooks, started } = recordingHooks();
    const running = transport.run(attemptRequest(step, { planSha256, signal: controller.signal }), hooks);
    await started;
    const abortedAt = Date.now();
    controller.abort();
    expect(await running).toMatchObject({ ok: false, failure: { reason: 'cancelled' }, retryable: false });
    expect(Date.now() - abortedAt).toBeLessThan(2000);
    expect(await client.exists(`${prefix}:cancelled:${stepJobId('run-1', 'nap', 1)}`)).toBe(1);
  });

  it('fails a step no worker takes, naming the command that starts one', async () => {
    await startWorker();
    const transport = await makeTransport();
    const step = testStep('train', 'test.noop', {}, { backend: 'gpu', timeoutMs: 500 });
    const planSha256 = await workspace.storePlan([step]);
    const outcome = await transport.run(attemptRequest(step, { planSha256 }), recordingHooks().hooks);
    expect(outcome).toMatchObject({
      ok: false,
      failure: {
        reason: 'timeout',
        message: 'no worker for backend "gpu" took the step within 500 ms: start one with `loom worker --backend gpu`',
      },
      retryable: false,
    });
    expect((await transport.queueDepths()).gpu.waiting).toBe(0);
  });

  it('delivers reports that arrived before start()', async () => {
    await startWorker();
    const transport = await makeTransport({}, false);
    const step = testStep('a', 'test.noop');
    const planSha256 = await workspace.storePlan([step]);
    const { hooks, heard } = recordingHooks();
    let settled = false;
    const running = transport.run(attemptRequest(step, { planSha256 }), hooks).finally(() => {
      settled = true;
    });
    const jobId = stepJobId('run-1', 'a', 1);
    await waitFor(async () =>
      (await client.xrange(reportsStream(prefix), '-', '+')).some(([, f]) => f[1] === 'outcome'),
    );
    expect(settled).toBe(false);
    expect(heard).toEqual([]);
    await transport.start();
    expect(await running).toMatchObject({ ok: true });
    expect(heard.map((event) => event.kind)).toEqual(['started', 'log', 'progress', 'metric']);
    expect(await startedReports(jobId)).toBe(1);
  });
});
