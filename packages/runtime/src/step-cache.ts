import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactStore } from './artifact-store.ts';
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
  readonly #tmp: string;
  readonly #store: ArtifactStore;

  constructor(root: string, store: ArtifactStore) {
    this.#dir = join(root, 'cache');
    this.#tmp = join(root, 'tmp');
    this.#store = store;
  }

  async get(key: string): Promise<CachedStepResult | undefined> {
    let record: CachedStepResult;
    try {
      record = JSON.parse(await readFile(this.#path(key), 'utf8')) as CachedStepResult;
    } catch {
      return undefined;
    }
    if (!isCachedStepResult(record)) return undefined;
    for (const output of Object.values(record.outputs)) {
      if (!(await this.#store.has(output.sha256, output.size))) return undefined;
    }
    const { recordVersion: _version, ...result } = record as CachedStepResult & { recordVersion: number };
    return result;
  }

  async put(key: string, result: CachedStepResult): Promise<void> {
    const target = this.#path(key);
    const temp = join(this.#tmp, `cache-${randomUUID()}`);
    const write = async () => {
      await this.#ensureDir(join(target, '..'));
      await this.#ensureDir(this.#tmp);
      await writeFile(temp, JSON.stringify({ recordVersion: CACHE_RECORD_VERSION, ...result }));
      await rename(temp, target);
    };
    try {
      await write();
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') {
        await rm(temp, { force: true });
        throw cause;
      }
      // A directory made earlier was removed since: make it again, once.
      this.#madeDirs.clear();
      try {
        await write();
      } catch (again) {
        await rm(temp, { force: true });
        throw again;
      }
    }
  }

  readonly #madeDirs = new Set<string>();

  async #ensureDir(dir: string): Promise<void> {
    if (this.#madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.#madeDirs.add(dir);
  }

  #path(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not a cache key: "${key}"`);
    return join(this.#dir, key.slice(0, 2), `${key}.json`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A record damaged or edited by hand (valid JSON of the wrong shape) counts as a miss, never as a result. */
function isCachedStepResult(value: unknown): value is CachedStepResult {
  if (!isRecord(value) || value.recordVersion !== CACHE_RECORD_VERSION) return false;
  if (!isRecord(value.outputs) || !isRecord(value.metrics)) return false;
  if (typeof value.runId !== 'string') return false;
  const outputsOk = Object.values(value.outputs).every(
    (output) =>
      isRecord(output) &&
      typeof output.type === 'string' &&
      typeof output.sha256 === 'string' &&
      (output.storage === 'json' || output.storage === 'text' || output.storage === 'file'),
  );
  return outputsOk && Object.values(value.metrics).every((metric) => typeof metric === 'number');
}
