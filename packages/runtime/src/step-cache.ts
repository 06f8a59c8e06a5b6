import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactStore } from './artifact-store.ts';
import { AtomicFiles } from './atomic-files.ts';
import type { OutputRecord } from './output-record.ts';

/**
 * The version of the cache record format. A record of another version is a miss (the step runs again
 * and writes a current record): cheaper and safer than migrating a cache.
 */
export const CACHE_RECORD_VERSION = 1;

/** What a successful step left behind, keyed by its content key. */
export interface CachedStepResult {
  outputs: Record<string, OutputRecord>;
  metrics: Record<string, number>;
  runId: string;
  stepId: string;
  durationMs: number;
  createdAt: string;
}

/** Maps a step's content key to its stored result. Deliberately left out: eviction (a later `loom gc`). */
export interface StepCache {
  get(key: string): Promise<CachedStepResult | undefined>;
  put(key: string, result: CachedStepResult): Promise<void>;
}

/**
 * Cache records as small JSON files under `<root>/cache`, written atomically. A record whose artifacts
 * have gone missing, or that cannot be read, counts as a miss: the step runs again.
 */
export class LocalStepCache implements StepCache {
  readonly #dir: string;
  readonly #files: AtomicFiles;
  readonly #store: ArtifactStore;

  constructor(root: string, store: ArtifactStore) {
    this.#dir = join(root, 'cache');
    this.#files = new AtomicFiles(join(root, 'tmp'));
    this.#store = store;
  }

  async get(key: string): Promise<CachedStepResult | undefined> {
    let text: string;
    try {
      text = await readFile(this.#path(key), 'utf8');
    } catch {
      return undefined;
    }
    return decodeCacheRecord(text, this.#store);
  }

  async put(key: string, result: CachedStepResult): Promise<void> {
    await this.#files.write(this.#path(key), encodeCacheRecord(result));
  }

  #path(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not a cache key: "${key}"`);
    return join(this.#dir, key.slice(0, 2), `${key}.json`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A cache record as stored (by any {@link StepCache}): the result with the record format's version. */
export function encodeCacheRecord(result: CachedStepResult): string {
  return JSON.stringify({ recordVersion: CACHE_RECORD_VERSION, ...result });
}

/**
 * The result in a stored cache record whose artifacts are all still in `store` (and whole), or
 * undefined: a record that is not JSON, of another version, of the wrong shape (damaged or edited by
 * hand), or that names a missing blob is a miss, never a result.
 */
export async function decodeCacheRecord(text: string, store: ArtifactStore): Promise<CachedStepResult | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.recordVersion !== CACHE_RECORD_VERSION) return undefined;
  if (!isRecord(value.outputs) || !isRecord(value.metrics)) return undefined;
  if (typeof value.runId !== 'string') return undefined;
  const outputs = Object.values(value.outputs);
  const outputsOk = outputs.every(
    (output) =>
      isRecord(output) &&
      typeof output.type === 'string' &&
      typeof output.sha256 === 'string' &&
      typeof output.size === 'number' &&
      (output.storage === 'json' || output.storage === 'text' || output.storage === 'file'),
  );
  if (!outputsOk || !Object.values(value.metrics).every((metric) => typeof metric === 'number')) return undefined;
  for (const output of outputs as Array<{ sha256: string; size: number }>) {
    if (!(await store.has(output.sha256, output.size))) return undefined;
  }
  const { recordVersion: _version, ...result } = value;
  return result as unknown as CachedStepResult;
}
