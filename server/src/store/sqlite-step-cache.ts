import {
  type ArtifactStore,
  type CachedStepResult,
  decodeCacheRecord,
  encodeCacheRecord,
  type StepCache,
} from '@loom/runtime';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The step cache in the store's `cache` table: the same records as `LocalStepCache` writes to files
 * (`encodeCacheRecord`/`decodeCacheRecord`),
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
    return text === undefined ? undefined : decodeCacheRecord(text, this.#artifacts);
  }

  async put(key: string, result: CachedStepResult): Promise<void> {
    this.#upsert.run(key, encodeCacheRecord(result), result.createdAt);
  }
}
