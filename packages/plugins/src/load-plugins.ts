import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AnyNodeDefinition, type NodeRegistration, NodeRegistry, type PortTypeDefinition } from '@loom/sdk';
import { hashPluginImplementation, memoisedFolderHash } from './implementation-hash.ts';
import { errorMessage, PluginLoadError, type PluginProblem } from './plugin-error.ts';
import { registerPluginHooks } from './plugin-hooks.ts';
import type { PluginManifest } from './plugin-manifest.ts';

export interface LoadPluginsOptions {
  /**
   * Imports each entry (but the built-ins') as a fresh module graph numbered `generation` (a dev loop's
   * reload); without it, a module already imported in this process is reused.
   */
  generation?: number;
  /** How long an entry may take to import before it counts as hanging. @default 15000 */
  importTimeoutMs?: number;
}

/** A plugin whose code was imported and checked against its manifest. */
export interface LoadedPlugin {
  manifest: PluginManifest;
  implementationHash: string;
  nodes: AnyNodeDefinition[];
  portTypes: PortTypeDefinition[];
}

export interface LoadedPlugins {
  registry: NodeRegistry;
  plugins: LoadedPlugin[];
}

/**
 * Imports the entries of `manifests` and registers their nodes and port types, after checking, before
 * any import, that no two plugins declare the same node type and version. Each entry must export
 * `nodes` (an array of `defineNode` results, exactly those its `loom.nodes` lists) and may export
 * `portTypes` (an array of `definePortType` results).
 *
 * @throws {PluginLoadError} listing every problem; nothing is returned half-loaded.
 */
export async function loadPlugins(
  manifests: readonly PluginManifest[],
  options: LoadPluginsOptions = {},
): Promise<LoadedPlugins> {
  const problems = duplicateNodes(manifests);
  if (problems.length > 0) throw new PluginLoadError(problems);

  registerPluginHooks();
  const hashFolder = memoisedFolderHash();
  const loaded = await Promise.all(
    manifests.map(async (manifest): Promise<LoadedPlugin | PluginProblem[]> => {
      const [imported, implementationHash] = await Promise.all([
        importEntry(manifest, options),
        hashPluginImplementation(manifest.dir, hashFolder),
      ]);
      if (!imported.ok) return imported.problems;
      return { manifest, implementationHash, nodes: imported.nodes, portTypes: imported.portTypes };
    }),
  );
  const plugins: LoadedPlugin[] = [];
  for (const result of loaded) {
    if (Array.isArray(result)) problems.push(...result);
    else plugins.push(result);
  }
  if (problems.length > 0) throw new PluginLoadError(problems);

  const registry = new NodeRegistry();
  for (const plugin of plugins) {
    for (const type of plugin.portTypes) {
      try {
        registry.addPortType(type);
      } catch (cause) {
        problems.push(problemOf(plugin.manifest, errorMessage(cause)));
      }
    }
  }
  for (const plugin of plugins) {
    const { manifest } = plugin;
    for (const definition of plugin.nodes) {
      const registration: NodeRegistration = {
        definition,
        source: `${manifest.name}@${manifest.version}`,
        plugin: { name: manifest.name, version: manifest.version, origin: manifest.origin, path: manifest.dir },
        implementationHash: plugin.implementationHash,
      };
      try {
        registry.add(registration);
      } catch (cause) {
        problems.push(problemOf(manifest, errorMessage(cause)));
      }
    }
  }
  if (problems.length > 0) throw new PluginLoadError(problems);
  return { registry, plugins };
}

/** Two plugins declaring one `type@version`: refused before either is imported, naming both. */
function duplicateNodes(manifests: readonly PluginManifest[]): PluginProblem[] {
  const owners = new Map<string, PluginManifest>();
  const problems: PluginProblem[] = [];
  for (const manifest of manifests) {
    for (const ref of manifest.nodes) {
      const owner = owners.get(ref);
      if (owner === undefined) {
        owners.set(ref, manifest);
        continue;
      }
      problems.push(
        problemOf(
          manifest,
          `node type ${ref} is defined twice: by ${owner.name}@${owner.version} (${owner.dir}) and by ${manifest.name}@${manifest.version} (${manifest.dir}); remove one of the two plugins, or give one of them another version`,
        ),
      );
    }
  }
  return problems;
}

type ImportResult =
  | { ok: true; nodes: AnyNodeDefinition[]; portTypes: PortTypeDefinition[] }
  | { ok: false; problems: PluginProblem[] };

async function importEntry(manifest: PluginManifest, options: LoadPluginsOptions): Promise<ImportResult> {
  const entryName = relative(manifest.dir, manifest.entry);
  const fail = (message: string): ImportResult => ({
    ok: false,
    problems: [{ plugin: manifest.name, path: manifest.entry, message }],
  });
  const url = pathToFileURL(manifest.entry);
  if (options.generation !== undefined && manifest.origin !== 'builtin')
    url.searchParams.set('loom-generation', String(options.generation));
  const timeoutMs = options.importTimeoutMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  let module: Record<string, unknown>;
  try {
    module = await Promise.race([
      import(url.href) as Promise<Record<string, unknown>>,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`importing it took longer than ${timeoutMs / 1000} s (does its top level wait forever?)`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (cause) {
    return fail(`could not import ${entryName}: ${errorMessage(cause)}`);
  } finally {
    clearTimeout(timer);
  }

  const { nodes, portTypes = [] } = module;
  if (!Array.isArray(nodes)) {
    return fail(`${entryName} must export \`nodes\`: an array of the defineNode(…) results the plugin provides`);
  }
  const problems: PluginProblem[] = [];
  const definitions: AnyNodeDefinition[] = [];
  nodes.forEach((node: unknown, index: number) => {
    if (!isNodeDefinition(node)) {
      problems.push({
        plugin: manifest.name,
        path: manifest.entry,
        message: `nodes[${index}] exported by ${entryName} is not a defineNode(…) result (it needs type, version, params and run)`,
      });
    } else {
      definitions.push(node);
    }
  });
  if (!Array.isArray(portTypes)) {
    problems.push({
      plugin: manifest.name,
      path: manifest.entry,
      message: `${entryName} exports \`portTypes\`, but not as an array of definePortType(…) results`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };

  const exported = new Set(definitions.map((d) => `${d.type}@${d.version}`));
  const declared = new Set(manifest.nodes);
  const missing = manifest.nodes.filter((ref) => !exported.has(ref));
  const undeclared = [...exported].filter((ref) => !declared.has(ref));
  if (missing.length > 0) {
    problems.push({
      plugin: manifest.name,
      path: `${manifest.dir}/package.json`,
      message: `"loom.nodes" lists ${missing.join(', ')}, which ${entryName} does not export`,
    });
  }
  if (undeclared.length > 0) {
    problems.push({
      plugin: manifest.name,
      path: `${manifest.dir}/package.json`,
      message: `${entryName} exports ${undeclared.join(', ')}, which "loom.nodes" does not list: add ${undeclared.length === 1 ? 'it' : 'them'} there`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, nodes: definitions, portTypes: portTypes as PortTypeDefinition[] };
}

function isNodeDefinition(value: unknown): value is AnyNodeDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const node = value as Record<string, unknown>;
  return (
    typeof node.type === 'string' &&
    typeof node.version === 'string' &&
    typeof node.run === 'function' &&
    typeof node.params === 'object' &&
    typeof node.resources === 'object'
  );
}

function problemOf(manifest: PluginManifest, message: string): PluginProblem {
  return { plugin: manifest.name, path: manifest.dir, message };
}
