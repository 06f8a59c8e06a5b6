import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreNodes } from '@loom/nodes-core';
import { NodeRegistry } from '@loom/sdk';

/**
 * The node registry of this installation: the built-in node packages, each with a hash of its source
 * files, so editing a node's code invalidates its cached results.
 */
export async function loadBuiltinRegistry(): Promise<NodeRegistry> {
  const coreDir = dirname(fileURLToPath(import.meta.resolve('@loom/nodes-core')));
  const implementationHash = await hashSources(coreDir);
  return new NodeRegistry(
    coreNodes.map((definition) => ({ definition, source: '@loom/nodes-core', implementationHash })),
  );
}

/** sha256 over the package's non-test TypeScript sources, in path order. */
export async function hashSources(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true }))
    .filter((file) => /\.(ts|js|mjs|json)$/.test(file) && !/\.test(-d)?\.ts$/.test(file))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(dir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}
