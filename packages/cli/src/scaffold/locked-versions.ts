import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** Loom's own lockfile, in the checkout this CLI runs from. */
const LOOM_LOCKFILE = fileURLToPath(new URL('../../../../pnpm-lock.yaml', import.meta.url));

/** What this module reads of a pnpm lockfile (format 9). */
interface Lockfile {
  importers?: Record<string, { devDependencies?: Record<string, { version: string }> }>;
  snapshots?: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>;
}

/**
 * Every package that Loom's lockfile installs for the given development tools (`name → version` pins),
 * their dependencies to the last one, as `name → version`. A new plugin pins them all (pnpm `overrides`),
 * so that its `pnpm install` takes exactly what Loom's install put in the pnpm store and works offline:
 * left free, a dependency released since Loom's lockfile was written resolves to a version the store
 * lacks. A tool that the lockfile holds at another version than pinned is left out, and so is a package
 * needed at two versions, which a pin by name cannot say.
 *
 * @example
 * lockedClosure(await readFile('pnpm-lock.yaml', 'utf8'), { vitest: '4.1.12' }); // { vitest: '4.1.12', tinyexec: '1.3.1', … }
 */
export function lockedClosure(lockfileText: string, tools: Readonly<Record<string, string>>): Record<string, string> {
  // pnpm writes the lock of its own version as a first document; the project's comes last.
  const documents = parseAllDocuments(lockfileText).map((document) => document.toJS() as Lockfile | null);
  const lockfile = documents.findLast((document) => document?.importers?.['.'] !== undefined);
  const root = lockfile?.importers?.['.']?.devDependencies ?? {};
  const snapshots = lockfile?.snapshots ?? {};
  const pending: string[] = [];
  for (const [name, version] of Object.entries(tools)) {
    const locked = root[name]?.version;
    if (locked !== undefined && withoutPeers(locked) === version) pending.push(`${name}@${locked}`);
  }
  const seen = new Set<string>();
  const versions = new Map<string, Set<string>>();
  while (pending.length > 0) {
    const key = pending.pop() as string;
    if (seen.has(key)) continue;
    seen.add(key);
    const { name, version } = splitKey(key);
    const known = versions.get(name);
    if (known === undefined) versions.set(name, new Set([version]));
    else known.add(version);
    const snapshot = snapshots[key];
    for (const dependencies of [snapshot?.dependencies, snapshot?.optionalDependencies]) {
      for (const [dependency, locked] of Object.entries(dependencies ?? {})) pending.push(`${dependency}@${locked}`);
    }
  }
  // A package needed at two versions cannot be pinned by name; it is left to resolve as usual.
  const pinned = [...versions].filter(([, found]) => found.size === 1).map(([name, found]) => [name, [...found][0]]);
  return Object.fromEntries(pinned.sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1)));
}

/**
 * {@link lockedClosure} of Loom's own lockfile, or `undefined` where this Loom has none (installed from
 * a registry rather than checked out) or it holds none of the tools.
 */
export async function loomLockedClosure(
  tools: Readonly<Record<string, string>>,
): Promise<Record<string, string> | undefined> {
  let text: string;
  try {
    text = await readFile(LOOM_LOCKFILE, 'utf8');
  } catch {
    return undefined;
  }
  const closure = lockedClosure(text, tools);
  return Object.keys(closure).length === 0 ? undefined : closure;
}

/** `vite@8.3.8(@types/node@20.19.43)` → `{ name: 'vite', version: '8.3.8' }`. */
function splitKey(key: string): { name: string; version: string } {
  const plain = withoutPeers(key);
  const at = plain.lastIndexOf('@');
  return { name: plain.slice(0, at), version: plain.slice(at + 1) };
}

/** A locked version or snapshot key without the peers pnpm appends: `8.3.8(@types/node@20.19.43)` → `8.3.8`. */
function withoutPeers(locked: string): string {
  const peers = locked.indexOf('(');
  return peers === -1 ? locked : locked.slice(0, peers);
}
