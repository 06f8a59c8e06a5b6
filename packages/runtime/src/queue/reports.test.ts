import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from '../testing/index.ts';
import { parseStepJobId, reportsStream, stepJobId } from './queue-names.ts';
import { appendReport, ReportConsumer, type StepReport } from './reports.ts';
import { uniquePrefix, waitFor } from './test-fixtures/queue-harness.ts';

let redis: TestRedisServer;
let client: Redis;
let prefix: string;
let consumer: ReportConsumer | undefined;

beforeAll(async () => {
  redis = await startRedisServer();
  client = new Redis(redis.url, { maxRetriesPerRequest: null });
  client.on('error', () => undefined);
});

afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

beforeEach(() => {
  prefix = uniquePrefix();
});

afterEach(async () => {
  await consumer?.close();
  consumer = undefined;
});

function consume(received: StepReport[], errors: unknown[] = []): ReportConsumer {
  consumer = new ReportConsumer({
    connection: redis.url,
    prefix,
    blockMs: 200,
    onReports: (reports) => received.push(...reports),
    onError: (cause) => errors.push(cause),
  });
  consumer.start();
  return consumer;
}

describe('job ids', () => {
  it('encode run, step and attempt unambiguously, without colons', () => {
    const id = stepJobId('20250101T000000Z-a1b2c3', 'train.model-v2', 12);
    expect(id).toBe('20250101T000000Z-a1b2c3.train.model-v2.12');
    expect(parseStepJobId(id)).toEqual({ runId: '20250101T000000Z-a1b2c3', stepId: 'train.model-v2', attempt: 12 });
    expect(() => stepJobId('run.1', 'a', 1)).toThrow('run id');
    expect(() => stepJobId('run-1', 'a:b', 1)).toThrow('step id');
    expect(parseStepJobId('no-dots')).toBeUndefined();
  });
});

describe('ReportConsumer', () => {
  it('delivers reports written before it started, then new ones, and acknowledges them', async () => {
    await appendReport(client, prefix, { kind: 'started', jobId: 'r.a.1', worker: 'w' });
    const received: StepReport[] = [];
    consume(received);
    await appendReport(client, prefix, { kind: 'metric', jobId: 'r.a.1', name: 'loss', value: 0.5, step: 3 });
    await waitFor(() => received.length === 2);
    expect(received).toEqual([
      { kind: 'started', jobId: 'r.a.1', worker: 'w' },
      { kind: 'metric', jobId: 'r.a.1', name: 'loss', value: 0.5, step: 3 },
    ]);
    await waitFor(async () => ((await client.xpending(reportsStream(prefix), 'loom-server')) as [number])[0] === 0);
  });

  it('reads again what was delivered to it but not acknowledged before a crash', async () => {
    await appendReport(client, prefix, { kind: 'log', jobId: 'r.a.1', level: 'info', message: 'hello' });
    await client.xgroup('CREATE', reportsStream(prefix), 'loom-server', '0', 'MKSTREAM');
    // A previous server read it, then died before acknowledging.
    await client.xreadgroup('GROUP', 'loom-server', 'server', 'COUNT', 10, 'STREAMS', reportsStream(prefix), '>');
    const received: StepReport[] = [];
    consume(received);
    await waitFor(() => received.length === 1);
    expect(received[0]).toMatchObject({ kind: 'log', message: 'hello' });
  });

  it('survives Redis losing its data and goes on reading', async () => {
    const received: StepReport[] = [];
    const errors: unknown[] = [];
    consume(received, errors);
    await appendReport(client, prefix, { kind: 'progress', jobId: 'r.a.1', fraction: 0.1 });
    await waitFor(() => received.length === 1);
    await redis.kill();
    await redis.restart();
    await appendReport(client, prefix, { kind: 'progress', jobId: 'r.a.1', fraction: 0.9 });
    await waitFor(() => received.length === 2);
    expect(received[1]).toMatchObject({ fraction: 0.9 });
  });
});
