import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { NodeError } from '@loom/sdk';

/**
 * Resolves a path from a document against `baseDir`, like `resolvePath`, but refuses one that lands
 * outside every folder in `roots`. Symbolic links are followed (as far as the path exists) before the
 * check, so a link inside a data root cannot lead out of it.
 *
 * @example confinePath('/data', ['/data'], '../etc/passwd') // throws NodeError
 */
export function confinePath(baseDir: string, roots: readonly string[], path: string): string {
  const resolved = isAbsolute(path) ? resolve(path) : resolve(baseDir, path);
  const real = realPathOfExisting(resolved);
  for (const root of roots) {
    const realRoot = realPathOfExisting(resolve(root));
    if (isInside(realRoot, real)) return resolved;
  }
  throw new NodeError(
    `path "${path}" is outside the data folders this server may read (${roots.join(', ')}): move the file into one of them or add its folder to LOOM_DATA_ROOTS`,
    { retryable: false },
  );
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real path of the longest existing prefix, with the part that does not exist yet appended. */
function realPathOfExisting(path: string): string {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      missing.push(basename(current));
      current = parent;
    }
  }
}
