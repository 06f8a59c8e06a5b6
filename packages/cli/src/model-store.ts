import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LoomStore, ModelSummary } from '@loom/server/store';
import { resolveLoomHome } from './loom-home.ts';
import { openRunStore } from './run-store.ts';
import { UserError } from './user-error.ts';

/** The home's store, as `loom start` on it serves it; null when the home has no `loom.db` yet (nothing is registered). */
export interface ModelStoreAccess {
  home: string;
  path: string;
  store: LoomStore | null;
}

/**
 * Runs `use` with the store of `--home` (else `$LOOM_HOME`, else `./.loom`) and closes it after. A home
 * without `loom.db` is not given one: reading the registry should not create a store where none was.
 */
export function withModelStore<T>(homeOption: string | undefined, use: (access: ModelStoreAccess) => T): T {
  const home = resolveLoomHome(homeOption);
  const path = join(home, 'loom.db');
  if (!existsSync(path)) return use({ home, path, store: null });
  const store = openRunStore(home);
  try {
    return use({ home, path, store });
  } finally {
    store.close();
  }
}

/** {@link withModelStore} for work that awaits: the store stays open until `use` settles. */
export async function withModelStoreAsync<T>(
  homeOption: string | undefined,
  use: (access: ModelStoreAccess) => Promise<T>,
): Promise<T> {
  const home = resolveLoomHome(homeOption);
  const path = join(home, 'loom.db');
  if (!existsSync(path)) return use({ home, path, store: null });
  const store = openRunStore(home);
  try {
    return await use({ home, path, store });
  } finally {
    store.close();
  }
}

/** The model called `name` and the store that holds it, or a UserError naming the store and the models it does have. */
export function requireModel(
  command: string,
  access: ModelStoreAccess,
  name: string,
): { model: ModelSummary; store: LoomStore } {
  const model = access.store?.getModel(name);
  if (access.store !== null && model !== undefined) return { model, store: access.store };
  const known = access.store?.listModels().map((m) => m.name) ?? [];
  const hint =
    access.store === null
      ? `${access.home} has no store yet (no loom.db)`
      : known.length === 0
        ? `no model is registered in ${access.path}`
        : `registered in ${access.path}: ${known.join(', ')}`;
  throw new UserError(`loom ${command}: no model "${name}"; ${hint}`);
}
