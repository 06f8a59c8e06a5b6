import { resolve } from 'node:path';

/**
 * Where Loom keeps its state (artifacts, cache, run records): `--home`, else `LOOM_HOME`, else
 * `./.loom` in the current directory.
 */
export function resolveLoomHome(option: string | undefined): string {
  return resolve(option ?? process.env.LOOM_HOME ?? '.loom');
}
