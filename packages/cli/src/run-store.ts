import { join } from 'node:path';
import { type ArtifactStore, LocalStepCache, type RunEvent, type StepCache } from '@loom/runtime';
import { EventBatcher, LoomStore } from '@loom/server/store';
import { UserError } from './user-error.ts';

/**
 * Opens `<home>/loom.db`, the very store that `loom start` on the same home serves: runs made here show
 * in the server's run list and the designer's history, and the two share one step cache. Safe while a
 * server has it open (see {@link LoomStore}).
 */
export function openRunStore(home: string): LoomStore {
  const path = join(home, 'loom.db');
  try {
    return LoomStore.open(path);
  } catch (cause) {
    throw new UserError(`cannot open the run store ${path}: ${(cause as Error).message}`, 1);
  }
}

/** Writes a run's events into the store as they come, batched as the server batches its own. */
export interface RunRecorder {
  record(event: RunEvent): void;
  /** Writes what is still waiting; call once the run is over, before the store closes. */
  flush(): void;
}

/**
 * A {@link RunRecorder} that never throws: a write that fails (the disk full, the file locked past the
 * busy timeout) is reported once through `onFailure` and recording stops, while the run itself goes on.
 */
export function createRunRecorder(store: LoomStore, onFailure: (cause: Error) => void): RunRecorder {
  let failed = false;
  const batcher = new EventBatcher((events) => {
    if (failed) return;
    try {
      store.appendEvents(events);
    } catch (cause) {
      failed = true;
      onFailure(cause as Error);
    }
  });
  return { record: (event) => batcher.add(event), flush: () => batcher.flush() };
}

/**
 * The store's step cache, falling back on the cache files that `loom run` wrote under `<home>/cache`
 * before it used the store: results cached by an earlier Loom are reused, and new ones go to the store.
 */
export function runStepCache(store: LoomStore, home: string, artifacts: ArtifactStore): StepCache {
  const current = store.stepCache(artifacts);
  const earlier = new LocalStepCache(home, artifacts);
  return {
    get: async (key) => (await current.get(key)) ?? (await earlier.get(key)),
    put: (key, result) => current.put(key, result),
  };
}
