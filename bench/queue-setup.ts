import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startRedisServer, type TestRedisServer } from '@loom/runtime/testing';
import { buildApp } from '@loom/server';
import { Queue, QueueEvents } from 'bullmq';
import { benchRegistry } from './bench-nodes.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./queue-worker.ts', import.meta.url));

/** Starts `count` worker processes (bench/queue-worker.ts) and resolves once all take jobs. */
export async function startWorkerProcesses(count: number, config: Record<string, unknown>) {
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((resolveReady, rejectReady) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        if (line === 'ready') resolveReady();
      });
      child.once('exit', (code) => rejectReady(new Error(`a bench worker exited with ${code}`)));
    });
  }
  return {
    async close() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolveExit) => {
              if (child.exitCode !== null) return resolveExit();
              child.once('exit', () => resolveExit());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/**
 * A private Redis, a Loom server on BullMQ and `workers` Loom worker processes (each taking up to
 * `concurrency` jobs and running them in `processes` step-runner processes, one step per process at a
 * time), all on the bench node types: the deployed topology on one machine.
 */
export async function startLoomOnRedis(options: { workers: number; concurrency: number; processes: number }) {
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
  const workers = await startWorkerProcesses(options.workers, {
    kind: 'loom',
    url: redis.url,
    prefix: 'bench',
    home,
    concurrency: options.concurrency,
    processes: options.processes,
  });
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
      await workers.close();
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Plain BullMQ on the same Redis: the baseline Loom is compared with. Its workers are processes too. */
export function plainBullMq(redis: TestRedisServer, name: string) {
  const connection = { url: redis.url, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  return {
    queue,
    workers: (count: number, concurrency: number) =>
      startWorkerProcesses(count, { kind: 'plain', url: redis.url, queue: name, concurrency }),
    events: () => new QueueEvents(name, { connection }),
    async close() {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    },
  };
}

export type LoomOnRedis = Awaited<ReturnType<typeof startLoomOnRedis>>;
