import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalArtifactStore } from './artifact-store.ts';
import { type CachedStepResult, LocalStepCache } from './step-cache.ts';

const key = (seed: string) => createHash('sha256').update(seed).digest('hex');

let root: string;
let store: LocalArtifactStore;
let cache: LocalStepCache;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'loom-cache-'));
  store = new LocalArtifactStore(root);
  cache = new LocalStepCache(root, store);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function result(text = '{"a":1}'): Promise<CachedStepResult> {
  const stored = await store.put(text);
  return {
    outputs: { data: { type: 'json', storage: 'json', ...stored, mediaType: 'application/json' } },
    metrics: { accuracy: 0.9 },
    runId: 'run-1',
    stepId: 'read',
    durationMs: 12.5,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

/** Where LocalStepCache keeps the record of a key. */
const recordPath = (k: string) => join(root, 'cache', k.slice(0, 2), `${k}.json`);

async function writeRecord(k: string, content: string): Promise<void> {
  await mkdir(join(root, 'cache', k.slice(0, 2)), { recursive: true });
  await writeFile(recordPath(k), content);
}

describe('LocalStepCache', () => {
  it('returns what was put, and nothing for other keys', async () => {
    const stored = await result();
    await cache.put(key('a'), stored);
    expect(await cache.get(key('a'))).toEqual(stored);
    expect(await cache.get(key('b'))).toBeUndefined();
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('replaces a record put again under the same key', async () => {
    await cache.put(key('a'), await result('1'));
    const newer = { ...(await result('2')), runId: 'run-2' };
    await cache.put(key('a'), newer);
    expect(await cache.get(key('a'))).toEqual(newer);
  });

  it('keeps a record without outputs', async () => {
    const empty: CachedStepResult = { ...(await result()), outputs: {} };
    await cache.put(key('e'), empty);
    expect(await cache.get(key('e'))).toEqual(empty);
  });

  it('misses when an artifact of the record has gone from the store', async () => {
    const stored = await result('gone soon');
    await cache.put(key('a'), stored);
    await rm(await store.localPath(stored.outputs.data?.sha256 ?? ''));
    expect(await cache.get(key('a'))).toBeUndefined();
  });

  it.each([
    ['truncated JSON', '{"outputs": {"data": {"sha256"'],
    ['not JSON at all', '\u0000\u0001garbage'],
    ['an empty file', ''],
    ['null', 'null'],
    ['a number', '42'],
    ['a record without outputs', '{"metrics": {}}'],
    ['null outputs', '{"outputs": null, "metrics": {}}'],
    ['an output without a hash', '{"outputs": {"data": {"type": "json"}}, "metrics": {}}'],
    ['a null output', '{"outputs": {"data": null}, "metrics": {}}'],
  ])('misses, without throwing, on a record file holding %s', async (_, content) => {
    await writeRecord(key('c'), content);
    await expect(cache.get(key('c'))).resolves.toBeUndefined();
  });

  it('misses on a key that is not a sha256 and refuses to store under one', async () => {
    expect(await cache.get('../../etc/passwd')).toBeUndefined();
    await expect(cache.put('not-a-key', await result())).rejects.toThrow('not a cache key: "not-a-key"');
  });
});

describe('LocalStepCache record versions', () => {
  it('stores records with their version and treats another version as a miss', async () => {
    const k = key('versioned');
    const stored = await result();
    await cache.put(k, stored);
    const onDisk = JSON.parse(await readFile(recordPath(k), 'utf8')) as Record<string, unknown>;
    expect(onDisk.recordVersion).toBe(1);
    expect(await cache.get(k)).toEqual(stored);
    await writeRecord(k, JSON.stringify({ ...onDisk, recordVersion: 2 }));
    expect(await cache.get(k)).toBeUndefined();
  });
});
