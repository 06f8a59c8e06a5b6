import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactStore, HostTrafficWindow } from '@loom/runtime';
import { MAX_TRAFFIC_SECONDS } from '@loom/sdk';
import { type WindowTableColumns, writeWindowTable } from '../monitors/window-data.ts';
import type { LoomStore } from '../store/loom-store.ts';
import { checkModelName } from '../store/model-names.ts';
import { ModelRegistryError } from '../store/model-registry-error.ts';
import type { ModelVersion } from '../store/store-types.ts';

/** What {@link readModelTraffic} reads: the last `seconds` of `model`'s request log, of one version. */
export interface TrafficRead {
  model: string;
  /** An integer from 1 to `MAX_TRAFFIC_SECONDS` (30 days). */
  seconds: number;
  /** @default the version that answered most rows in the window */
  version?: number;
  /** The end of the window. @default new Date() */
  now?: Date;
}

/**
 * Reads what `model`'s endpoint answered in the last `seconds` from the request log under `home` (as the
 * endpoint monitors read their windows) and stores the rows in `artifacts` as a table: one column per
 * input of the version read, named as the model's inputs, and its answers. A window without rows is an
 * empty table with `rows: 0`, not an error. Rows answered in the last second or so may not be in the log
 * yet: it writes what it buffered once a second.
 *
 * @throws ModelRegistryError `invalid` (`/seconds`, `/version`, a bad name) or `not-found` (no such
 *   model, or no such version of it).
 * @example
 * const window = await readModelTraffic(store, artifacts, home, { model: 'iris', seconds: 3600 });
 */
export async function readModelTraffic(
  store: LoomStore,
  artifacts: ArtifactStore,
  home: string,
  read: TrafficRead,
): Promise<HostTrafficWindow> {
  const { model, seconds, version } = read;
  checkModelName(model);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TRAFFIC_SECONDS) {
    throw new ModelRegistryError(
      'invalid',
      `seconds must be an integer from 1 to ${MAX_TRAFFIC_SECONDS} (30 days), not ${seconds}`,
      '/seconds',
    );
  }
  if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
    throw new ModelRegistryError('invalid', `version must be a positive integer, not ${version}`, '/version');
  }
  const versions = store.listModelVersions(model);
  if (versions === undefined) throw new ModelRegistryError('not-found', `the registry has no model "${model}"`);
  if (version !== undefined && !versions.some((v) => v.version === version)) {
    throw new ModelRegistryError('not-found', `model "${model}" has no version ${version}`);
  }
  const newest = versions.reduce<ModelVersion | undefined>(
    (latest, v) => (latest === undefined || v.version > latest.version ? v : latest),
    undefined,
  );
  const columnsOf = (of: number | null): WindowTableColumns => {
    // A version that answered but was deleted since has no inputs to name: its answers alone are kept.
    const registered = of === null ? newest : versions.find((v) => v.version === of);
    if (registered === undefined) return { inputs: [], prediction: 'string' };
    return { inputs: registered.inputs, prediction: registered.task === 'regression' ? 'number' : 'string' };
  };
  const end = read.now ?? new Date();
  const start = new Date(end.getTime() - seconds * 1000);
  const dir = await artifacts.makeTempDir(`traffic-${model}`);
  try {
    const out = join(dir, 'traffic.parquet');
    const written = await writeWindowTable(home, model, { start, end }, version, columnsOf, out);
    const table = await artifacts.importFile(out);
    return {
      model,
      table,
      rows: written.rows,
      version: written.version,
      versions: written.versions,
      start: start.toISOString(),
      end: end.toISOString(),
      missingInputs: written.missingInputs,
      predictionColumn: written.predictionColumn,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
