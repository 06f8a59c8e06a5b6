import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CachedStepResult, LocalArtifactStore, type StepCache } from '@loom/runtime';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoomStore } from './loom-store.ts';

const key = (seed: string) => createHash('sha256').update(seed).digest('hex');

let dir: string;
let dbPath: string;
let artifacts: LocalArtifactStore;
let store: LoomStore;
let cache: StepCache;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-sqlite-cache-'));
  dbPath = join(dir, 'loom.db');
  artifacts = new LocalArtifactStore(dir);
  store = LoomStore.open(dbPath);
  cache = store.stepCache(artifacts);
});

afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

async function result(text = '{"a":1}', runId = 'run-1'): Promise<CachedStepResult> {
  const stored = await artifacts.put(text);
  return {
    outputs: { data: { type: 'json', storage: 'json', ...stored, mediaType: 'application/json' } },
    metrics: { accuracy: 0.9 },
    runId,
    stepId: 'read',
    durationMs: 12.5,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

/** Writes a cache row behind the store's back, as a damaged or hand-edited database would have it. */
function writeRow(k: string, record: string): void {
  const raw = new Database(dbPath);
  raw
    .prepare('INSERT OR REPLACE INTO cache (content_key, record, created_at) VALUES (?, ?, ?)')
    .run(k, record, '2026-01-01T00:00:00.000Z');
  raw.close();
}

describe('SqliteStepCache', () => {
  it('returns what was put, and replaces it on a second put', async () => {
    const first = await result();
    await cache.put(key('a'), first);
    expect(await cache.get(key('a'))).toEqual(first);

    const second = await result('{"b":2}', 'run-2');
    await cache.put(key('a'), second);
    expect(await cache.get(key('a'))).toEqual(second);
  });

  it('misses an unknown key', async () => {
    expect(await cache.get(key('never'))).toBeUndefined();
  });

  it('misses when an output blob is gone or short', async () => {
    const missing = await result('{"gone":true}');
    const sha256 = missing.outputs.data?.sha256 ?? '';
    await rm(await artifacts.localPath(sha256));
    await cache.put(key('gone'), missing);
    expect(await cache.get(key('gone'))).toBeUndefined();

    const short = await result('{"short":true}');
    await writeFile(await artifacts.localPath(short.outputs.data?.sha256 ?? ''), '{"sho');
    await cache.put(key('short'), short);
    expect(await cache.get(key('short'))).toBeUndefined();
  });

  it('misses a record that is not JSON, has the wrong shape, or another version', async () => {
    const good = JSON.stringify({ recordVersion: 1, ...(await result()) });
    expect(JSON.parse(good)).toMatchObject({ recordVersion: 1 });
    const cases: Record<string, string> = {
      garbage: '{"recordVersion": 1, "outp',
      array: '[]',
      noVersion: JSON.stringify(await result()),
      version2: JSON.stringify({ ...JSON.parse(good), recordVersion: 2 }),
      outputsNotObject: JSON.stringify({ ...JSON.parse(good), outputs: 'x' }),
      badStorage: JSON.stringify({
        ...JSON.parse(good),
        outputs: { data: { ...JSON.parse(good).outputs.data, storage: 'abstract' } },
      }),
      metricNotNumber: JSON.stringify({ ...JSON.parse(good), metrics: { accuracy: 'high' } }),
      noRunId: JSON.stringify({ ...JSON.parse(good), runId: undefined }),
    };
    for (const [name, record] of Object.entries(cases)) {
      writeRow(key(name), record);
      expect(await cache.get(key(name)), name).toBeUndefined();
    }
    writeRow(key('good'), good);
    expect(await cache.get(key('good'))).toEqual(await result());
  });

  it('keeps its records across a reopen of the store', async () => {
    const kept = await result();
    await cache.put(key('kept'), kept);
    store.close();
    store = LoomStore.open(dbPath);
    expect(await store.stepCache(artifacts).get(key('kept'))).toEqual(kept);
  });
});
