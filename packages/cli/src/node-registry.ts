import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { loadPluginRegistry, type PluginRegistry, type PluginSources, pluginSourcesFromEnv } from '@loom/plugins';
import type { NodeRegistry } from '@loom/sdk';

/** The node packages shipped with Loom: plugins in the same format as anyone's (see docs/plugins.md). */
export const BUILTIN_PLUGIN_PACKAGES = [
  '@loom/nodes-core',
  '@loom/nodes-data',
  '@loom/nodes-transform',
  '@loom/nodes-train',
  '@loom/nodes-evaluate',
  '@loom/nodes-deploy',
  '@loom/nodes-monitor',
] as const;

const require = createRequire(import.meta.url);

/** The folders of the built-in node packages, as installed beside this CLI. */
export function builtinPluginDirs(): string[] {
  return BUILTIN_PLUGIN_PACKAGES.map((name) => dirname(require.resolve(`${name}/package.json`)));
}

/** Where this process finds plugins: the built-ins, `LOOM_PLUGINS_DIR` (or `./plugins`) and `loom.config.json`. */
export function pluginSources(env: Readonly<Record<string, string | undefined>> = process.env): PluginSources {
  return pluginSourcesFromEnv(builtinPluginDirs(), env);
}

/**
 * The node registry of this installation: every built-in and plugin node, each with a hash of its
 * package's code (and of the workspace libraries it uses), so changed code re-runs its steps.
 *
 * @throws {PluginLoadError} when a plugin is broken or two define the same node type and version.
 */
export async function loadNodeRegistry(sources: PluginSources = pluginSources()): Promise<PluginRegistry> {
  return loadPluginRegistry(sources);
}

/** The built-in nodes alone, whatever the environment names: for tests and tools that must not see plugins. */
export async function loadBuiltinRegistry(): Promise<NodeRegistry> {
  return (await loadPluginRegistry({ builtins: builtinPluginDirs() })).registry;
}
