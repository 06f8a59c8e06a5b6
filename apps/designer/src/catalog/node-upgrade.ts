import type { PipelineNode } from '@loom/graph';
import { compareSemver, type NodeCatalog } from '@loom/sdk';

const latestByCatalog = new WeakMap<NodeCatalog, ReadonlyMap<string, string>>();

/** The latest installed version of each node type, by type; built once per catalog. */
export function latestVersions(catalog: NodeCatalog): ReadonlyMap<string, string> {
  let latest = latestByCatalog.get(catalog);
  if (latest === undefined) {
    latest = new Map(catalog.nodes.filter((entry) => entry.latest).map((entry) => [entry.type, entry.version]));
    latestByCatalog.set(catalog, latest);
  }
  return latest;
}

/**
 * The version a node can be upgraded to: the latest installed version of its type when that is newer
 * than the one the node pins, whether or not the pinned one is still installed. Undefined when the
 * node is up to date, its type is not installed, or it pins a version newer than any installed.
 *
 * @example
 * availableUpgrade(catalog, { type: 'text.word_count', version: '1.0.0' }); // '2.0.0'
 */
export function availableUpgrade(
  catalog: NodeCatalog,
  node: Pick<PipelineNode, 'type' | 'version'>,
): string | undefined {
  const latest = latestVersions(catalog).get(node.type);
  return latest !== undefined && compareSemver(latest, node.version) > 0 ? latest : undefined;
}
