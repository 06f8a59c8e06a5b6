import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalArtifactStore, StepRunnerPool, StepWorker } from '@loom/runtime';
import { startRedisServer, type TestRedisServer } from '@loom/runtime/testing';
import { buildApp } from '@loom/server';
import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { benchRegistry } from './bench-nodes.ts';

const BENCH_NODES_MODULE = fileURLToPath(new URL('./bench-nodes.ts', import.meta.url));

/** A private Redis, a Loom server on BullMQ and `workers` Loom workers, all on the bench node types. */
export async function startLoomOnRedis(options: { workers: number; concurrency: number }) {
  const redis = await startRedisServer();
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-queue-'));
  const home = join(dir, 'home');
  const dataRoot = join(dir, 'data');
  await mkdir(dataRoot, { recursive: true });
  const app = await buildApp({
    registry: benchRegistry(),
    home,
    dataRoots: [dataRoot],
    host: '127.0.0.1',
    redisUrl: redis.url,
    queuePrefix: 'bench',
  });
  await app.ready();
  const workers: Array<{ worker: StepWorker; pool: StepRunnerPool }> = [];
  for (let i = 0; i < options.workers; i++) {
    const pool = new StepRunnerPool({
      registryModule: BENCH_NODES_MODULE,
      storeRoot: home,
      baseDir: dataRoot,
      dataRoots: [dataRoot],
      size: 1,
    });
    const worker = new StepWorker({
      connection: redis.url,
      prefix: 'bench',
      backend: 'cpu',
      concurrency: options.concurrency,
      pool,
      store: new LocalArtifactStore(home),
    });
    await worker.start();
    workers.push({ worker, pool });
  }
  return {
    app,
    redis,
    /** Saves the document and runs it to the end; the time from the request to the run's end. */
    async run(document: unknown, body: object = {}): Promise<{ ms: number; status: string; steps: number }> {
      const saved = await app.inject({ method: 'POST', url: '/api/pipelines', payload: document as object });
      if (saved.statusCode !== 201) throw new Error(`saving gave ${saved.statusCode}: ${saved.body.slice(0, 500)}`);
      const started = performance.now();
      const reply = await app.inject({ method: 'POST', url: `/api/pipelines/${saved.json().id}/runs`, payload: body });
      if (reply.statusCode !== 201) throw new Error(`running gave ${reply.statusCode}: ${reply.body.slice(0, 500)}`);
      const runId = reply.json().id as string;
      await app.runs.settled(runId);
      const ms = performance.now() - started;
      const run = app.store.getRun(runId);
      return { ms, status: run?.status ?? 'unknown', steps: run?.steps.length ?? 0 };
    },
    async close() {
      await app.close();
      for (const { worker, pool } of workers) {
        await worker.close();
        await pool.close();
      }
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Plain BullMQ on the same Redis: the baseline Loom is compared with. */
export function plainBullMq(redis: TestRedisServer, name: string) {
  const connection = { url: redis.url, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  return {
    queue,
    worker: (concurrency: number) =>
      new Worker(name, async () => ({ ok: true }), { connection, concurrency, autorun: true }),
    events: () => new QueueEvents(name, { connection }),
    Job,
    async close() {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    },
  };
}

export type LoomOnRedis = Awaited<ReturnType<typeof startLoomOnRedis>>;
export type { FastifyInstance };
