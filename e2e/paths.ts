// Where things are in the repository, for the harness (global setup and fixtures).
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const LOOM_BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'loom.js');
export const EXAMPLES = join(REPO_ROOT, 'examples');

/**
 * The built designer the server serves at `/`: `LOOM_DESIGNER_DIR` when set (relative to where the
 * command was typed), else apps/designer/dist.
 */
export function designerDir(): string {
  const fromEnv = process.env.LOOM_DESIGNER_DIR?.trim();
  if (fromEnv === undefined || fromEnv === '') return join(REPO_ROOT, 'apps', 'designer', 'dist');
  return resolve(process.env.INIT_CWD ?? process.cwd(), fromEnv);
}
