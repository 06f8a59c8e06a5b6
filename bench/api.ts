import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '@loom/server';
import autocannon from 'autocannon';
import { benchRegistry, generateDag, round } from './bench-nodes.ts';
import type { BenchResult } from './bench-result.ts';

const STEPS = 50;
const DURATION_S = 10;
const CONNECTIONS = 50;

/**
 * `pnpm bench api`: requests per second and latency of `GET /api/runs/:id` for a finished 50-step
 * run, under load from autocannon (50 connections, 10 s), against a real server listening on
 * loopback with its SQLite store.
 */
export async function benchApi(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-api-'));
  const dataRoot = join(dir, 'data');
  await mkdir(dataRoot, { recursive: true });
  const app = await buildApp({
    registry: benchRegistry(),
    home: join(dir, 'home'),
    dataRoots: [dataRoot],
    host: '127.0.0.1',
  });
  try {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const saved = await app.inject({ method: 'POST', url: '/api/pipelines', payload: generateDag(STEPS) as object });
    const started = await app.inject({ method: 'POST', url: `/api/pipelines/${saved.json().id}/runs`, payload: {} });
    const runId = started.json().id as string;
    await app.runs.settled(runId);
    const body = await app.inject({ method: 'GET', url: `/api/runs/${runId}` });

    const result = await autocannon({
      url: `${address}/api/runs/${runId}`,
      connections: CONNECTIONS,
      duration: DURATION_S,
    });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`${result.non2xx} non-2xx replies and ${result.errors} errors under load`);
    }
    return {
      title: `GET /api/runs/:id (${STEPS}-step run, ${body.rawPayload.length} bytes), ${CONNECTIONS} connections for ${DURATION_S} s`,
      rows: [
        ['', 'value'],
        ['requests per second (mean)', Math.round(result.requests.average).toString()],
        ['latency p50 (ms)', round(result.latency.p50, 2).toString()],
        ['latency p99 (ms)', round(result.latency.p99, 2).toString()],
        ['requests in all', result.requests.total.toString()],
      ],
      figures: {
        requestsPerSecond: Math.round(result.requests.average),
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
        replyBytes: body.rawPayload.length,
      },
    };
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}
