import type { ArtifactStore, CachedStepResult, StepCache } from '@loom/runtime';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The version of the cache record format, as in `LocalStepCache`: a record of another version is a miss
 * (the step runs again and writes a current record), cheaper and safer than migrating a cache.
 */
export const SQLITE_CACHE_RECORD_VERSION = 1;

/**
 * The step cache in the store's `cache` table: the same records as `LocalStepCache` writes to files,
 * one row per content key. A record that cannot be read, has another version, or whose artifacts have
 * gone missing (or are short) counts as a miss: the step runs again.
 *
 * Deliberately left out, as in `LocalStepCache`: eviction (a later `loom gc`).
 *
 * @example
 * const cache = store.stepCache(new LocalArtifactStore('.loom'));
 * await cache.put(contentKey, result);
 */
export class SqliteStepCache implements StepCache {
  readonly #artifacts: ArtifactStore;
  readonly #select;
  readonly #upsert;

  constructor(db: BetterSqlite3.Database, artifacts: ArtifactStore) {
    this.#artifacts = artifacts;
    this.#select = db.prepare<[string], string>('SELECT record FROM cache WHERE content_key = ?').pluck();
    this.#upsert = db.prepare<[string, string, string]>(
      `INSERT INTO cache (content_key, record, created_at) VALUES (?, ?, ?)
       ON CONFLICT (content_key) DO UPDATE SET record = excluded.record, created_at = excluded.created_at`,
    );
  }

  async get(key: string): Promise<CachedStepResult | undefined> {
    const text = this.#select.get(key);
    if (text === undefined) return undefined;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!isCacheRecord(record)) return undefined;
    for (const output of Object.values(record.outputs)) {
      if (!(await this.#artifacts.has(output.sha256, output.size))) return undefined;
    }
    const { recordVersion: _version, ...result } = record;
    return result;
  }

  async put(key: string, result: CachedStepResult): Promise<void> {
    this.#upsert.run(key, JSON.stringify({ recordVersion: SQLITE_CACHE_RECORD_VERSION, ...result }), result.createdAt);
  }
}

type CacheRecord = CachedStepResult & { recordVersion: number };

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A record damaged or edited by hand (valid JSON of the wrong shape) is a miss, never a result. The same
 * check as `LocalStepCache`'s (not exported by @loom/runtime), plus the sizes `has` is asked about.
 */
function isCacheRecord(value: unknown): value is CacheRecord {
  if (!isObject(value) || value.recordVersion !== SQLITE_CACHE_RECORD_VERSION) return false;
  if (!isObject(value.outputs) || !isObject(value.metrics)) return false;
  if (typeof value.runId !== 'string') return false;
  const outputsOk = Object.values(value.outputs).every(
    (output) =>
      isObject(output) &&
      typeof output.type === 'string' &&
      typeof output.sha256 === 'string' &&
      typeof output.size === 'number' &&
      (output.storage === 'json' || output.storage === 'text' || output.storage === 'file'),
  );
  return outputsOk && Object.values(value.metrics).every((metric) => typeof metric === 'number');
}
