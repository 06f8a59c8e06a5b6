import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The SDK is a contract, not an implementation: a change to it shows up as a node version change. */
const NOT_HASHED = new Set(['@loom/sdk', '@loom/graph']);

/**
 * A hash of the code a plugin runs: its own source files, and those of the workspace libraries it
 * depends on (`workspace:` ranges, as the built-in nodes use the ML kernels, the table bridge and the
 * ONNX builder), so editing a node or a kernel it runs invalidates its cached results. Registry
 * packages from npm are fixed by the plugin's own lockfile and version, and are not read.
 *
 * @param hashFolder memoises folder hashes across plugins that share libraries.
 */
export async function hashPluginImplementation(
  pluginDir: string,
  hashFolder: (dir: string) => Promise<string> = hashSources,
): Promise<string> {
  const seen = new Set<string>();
  const hash = createHash('sha256');
  const visit = async (label: string, dir: string): Promise<void> => {
    hash.update(`${label}\0${await hashFolder(dir)}\0`);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const workspaceDeps = Object.entries(manifest.dependencies ?? {})
      .filter(([name, range]) => range.startsWith('workspace:') && !NOT_HASHED.has(name) && !seen.has(name))
      .map(([name]) => name)
      .sort();
    for (const dep of workspaceDeps) {
      seen.add(dep);
      // Resolved from the package that depends on it, as Node would load it.
      const entry = createRequire(join(dir, 'package.json')).resolve(dep);
      await visit(dep, await packageRoot(entry));
    }
  };
  await visit('.', pluginDir);
  return hash.digest('hex');
}

/** sha256 over a package's non-test sources (TypeScript, JavaScript, JSON, schemas), in path order. */
export async function hashSources(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true }))
    .filter(
      (file) =>
        !file.split(/[\\/]/).some((part) => part === 'node_modules' || part.startsWith('.')) &&
        /\.(ts|tsx|js|mjs|cjs|json|proto)$/.test(file) &&
        !/\.test(-d)?\.[cm]?[jt]sx?$/.test(file),
    )
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(dir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The folder of the nearest package.json above a module file. */
async function packageRoot(file: string): Promise<string> {
  let dir = dirname(file);
  for (;;) {
    try {
      await readFile(join(dir, 'package.json'));
      return dir;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) throw new Error(`no package.json above ${file}`);
      dir = parent;
    }
  }
}

/** A {@link hashSources} that reads each folder once, for loading many plugins that share libraries. */
export function memoisedFolderHash(): (dir: string) => Promise<string> {
  const hashes = new Map<string, Promise<string>>();
  return (dir) => {
    let hashed = hashes.get(dir);
    if (hashed === undefined) {
      hashed = hashSources(dir);
      hashes.set(dir, hashed);
    }
    return hashed;
  };
}
