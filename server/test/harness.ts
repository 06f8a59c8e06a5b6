import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalArtifactStore, StepRunnerPool, StepWorker } from '@loom/runtime';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import type { RunSummary, StoredRun } from '../src/store/store-types.ts';
import { createRegistry } from './fixtures/test-nodes.ts';

/** The module step-runner processes load their node types from. */
export const TEST_NODES_MODULE = fileURLToPath(new URL('./fixtures/test-nodes.ts', import.meta.url));

export interface TestDirs {
  dir: string;
  home: string;
  dataRoot: string;
  cleanup(): Promise<void>;
}

export async function makeDirs(): Promise<TestDirs> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-server-'));
  const home = join(dir, 'home');
  const dataRoot = join(dir, 'data');
  await mkdir(dataRoot, { recursive: true });
  return { dir, home, dataRoot, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface AppSetup {
  dirs: TestDirs;
  redisUrl?: string;
  queuePrefix?: string;
}

/** A real app (SQLite store, artifact store) on the test node types, inline or on BullMQ. */
export async function testApp(setup: AppSetup): Promise<FastifyInstance> {
  const app = await buildApp({
    registry: createRegistry(),
    home: setup.dirs.home,
    dataRoots: [setup.dirs.dataRoot],
    host: '127.0.0.1',
    inlineConcurrency: 4,
    ...(setup.redisUrl === undefined ? {} : { redisUrl: setup.redisUrl }),
    ...(setup.queuePrefix === undefined ? {} : { queuePrefix: setup.queuePrefix }),
  });
  await app.ready();
  return app;
}

/** A BullMQ worker in this process whose steps run in real step-runner processes. */
export async function testWorker(setup: Required<AppSetup> & { backend?: 'cpu' | 'gpu' }) {
  const pool = new StepRunnerPool({
    registryModule: TEST_NODES_MODULE,
    storeRoot: setup.dirs.home,
    baseDir: setup.dirs.dataRoot,
    dataRoots: [setup.dirs.dataRoot],
    size: 8,
  });
  const worker = new StepWorker({
    connection: setup.redisUrl,
    prefix: setup.queuePrefix,
    backend: setup.backend ?? 'cpu',
    concurrency: 8,
    pool,
    store: new LocalArtifactStore(setup.dirs.home),
  });
  await worker.start();
  return {
    async close() {
      await worker.close();
      await pool.close();
    },
  };
}

interface DocNode {
  id: string;
  type: string;
  params?: Record<string, unknown>;
  retries?: number;
  timeoutMs?: number;
}

/** A pipeline document; edges as `'from.port->to.port'`. */
export function pipeline(name: string, nodes: DocNode[], edges: string[] = []) {
  return {
    format: 'loom.pipeline',
    formatVersion: 2,
    name,
    nodes: nodes.map((node) => ({ version: '1.0.0', params: {}, ...node })),
    edges: edges.map((edge, index) => {
      const [from, to] = edge.split('->') as [string, string];
      const [fromNode, fromPort] = from.split('.') as [string, string];
      const [toNode, toPort] = to.split('.') as [string, string];
      return { id: `e${index}`, from: { node: fromNode, port: fromPort }, to: { node: toNode, port: toPort } };
    }),
  };
}

/** Saves a document and returns its id. */
/** The content type every POST and PUT must carry, for requests that send no body (cancel, resume). */
export const JSON_TYPE = { 'content-type': 'application/json' } as const;

export async function savePipeline(app: FastifyInstance, document: unknown): Promise<string> {
  const reply = await app.inject({ method: 'POST', url: '/api/pipelines', payload: document as object });
  if (reply.statusCode !== 201) throw new Error(`saving the pipeline gave ${reply.statusCode}: ${reply.body}`);
  return reply.json<{ id: string }>().id;
}

export async function startRun(app: FastifyInstance, pipelineId: string, body: object = {}): Promise<RunSummary> {
  const reply = await app.inject({ method: 'POST', url: `/api/pipelines/${pipelineId}/runs`, payload: body });
  if (reply.statusCode !== 201) throw new Error(`starting the run gave ${reply.statusCode}: ${reply.body}`);
  return reply.json<RunSummary>();
}

export async function getRun(app: FastifyInstance, runId: string): Promise<StoredRun> {
  return (await app.inject({ method: 'GET', url: `/api/runs/${runId}` })).json<StoredRun>();
}

/** Polls until `done(run)` holds; fails after `timeoutMs` showing the run as it stood. */
export async function waitFor(
  read: () => Promise<StoredRun>,
  done: (run: StoredRun) => boolean,
  timeoutMs = 20_000,
): Promise<StoredRun> {
  const deadline = Date.now() + timeoutMs;
  let run = await read();
  while (!done(run)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; the run stood at ${JSON.stringify(run, null, 1)}`);
    await new Promise((r) => setTimeout(r, 50));
    run = await read();
  }
  return run;
}

export const isFinished = (run: StoredRun) =>
  run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled';

export function waitForRun(app: FastifyInstance, runId: string, timeoutMs?: number): Promise<StoredRun> {
  return waitFor(() => getRun(app, runId), isFinished, timeoutMs);
}

/** Lines of a trace file as `{ step, attempt, what, at, workerPid }`. */
export async function readTrace(path: string) {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [step, attempt, what, at, pid] = line.split(' ') as [string, string, string, string, string];
      return { step, attempt: Number(attempt), what, at: Number(at), workerPid: Number(pid) };
    });
}
