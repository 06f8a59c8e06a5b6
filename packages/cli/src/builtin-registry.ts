import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreNodes } from '@loom/nodes-core';
import { dataNodes } from '@loom/nodes-data';
import { evaluateNodes } from '@loom/nodes-evaluate';
import { trainNodes } from '@loom/nodes-train';
import { transformNodes } from '@loom/nodes-transform';
import { type AnyNodeDefinition, NodeRegistry } from '@loom/sdk';

const BUILTIN_PACKAGES: ReadonlyArray<{ name: string; nodes: readonly AnyNodeDefinition[] }> = [
  { name: '@loom/nodes-core', nodes: coreNodes },
  { name: '@loom/nodes-data', nodes: dataNodes },
  { name: '@loom/nodes-transform', nodes: transformNodes },
  { name: '@loom/nodes-train', nodes: trainNodes },
  { name: '@loom/nodes-evaluate', nodes: evaluateNodes },
];

/**
 * The node registry of this installation: the built-in node packages, each with a hash of its source
 * files and of the workspace libraries it uses (the ML kernels, the table bridge, the ONNX builder), so
 * editing a node's code or a kernel it runs invalidates its cached results.
 */
export async function loadBuiltinRegistry(): Promise<NodeRegistry> {
  // The node packages share libraries (ml, tables, onnx): each folder is read and hashed once.
  const folderHashes = new Map<string, Promise<string>>();
  const hashFolder = (dir: string): Promise<string> => {
    let hashed = folderHashes.get(dir);
    if (hashed === undefined) {
      hashed = hashSources(dir);
      folderHashes.set(dir, hashed);
    }
    return hashed;
  };
  const registrations = await Promise.all(
    BUILTIN_PACKAGES.map(async ({ name, nodes }) => {
      const implementationHash = await hashPackageWithLibraries(name, hashFolder);
      return nodes.map((definition) => ({ definition, source: name, implementationHash }));
    }),
  );
  return new NodeRegistry(registrations.flat());
}

/** The SDK is a contract, not an implementation: a change to it shows up as a node version change. */
const NOT_HASHED = new Set(['@loom/sdk', '@loom/graph']);

async function hashPackageWithLibraries(name: string, hashFolder: (dir: string) => Promise<string>): Promise<string> {
  const seen = new Set<string>();
  const hash = createHash('sha256');
  // Each library is resolved from the package that depends on it, as Node would load it.
  const visit = async (packageName: string, from: string): Promise<void> => {
    if (seen.has(packageName) || NOT_HASHED.has(packageName)) return;
    seen.add(packageName);
    const dir = dirname(dirname(createRequire(from).resolve(packageName)));
    hash.update(`${packageName}\0${await hashFolder(dir)}\0`);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const workspaceDeps = Object.entries(manifest.dependencies ?? {})
      .filter(([, range]) => range.startsWith('workspace:'))
      .map(([dep]) => dep)
      .sort();
    for (const dep of workspaceDeps) await visit(dep, join(dir, 'package.json'));
  };
  await visit(name, fileURLToPath(import.meta.url));
  return hash.digest('hex');
}

/** sha256 over a package's non-test sources (TypeScript, JSON, schemas), in path order. */
export async function hashSources(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true }))
    .filter(
      (file) =>
        !file.startsWith('node_modules') && /\.(ts|js|mjs|json|proto)$/.test(file) && !/\.test(-d)?\.ts$/.test(file),
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
