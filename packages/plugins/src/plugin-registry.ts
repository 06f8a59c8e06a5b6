import { join, resolve } from 'node:path';
import { type Discovery, discoverPlugins, type PluginSources } from './discover-plugins.ts';
import { type LoadedPlugins, type LoadPluginsOptions, loadPlugins } from './load-plugins.ts';
import { LOOM_CONFIG_FILE } from './loom-config.ts';
import { PluginLoadError } from './plugin-error.ts';

/**
 * The plugin sources of a Loom process from its environment: `LOOM_PLUGINS_DIR` (default `./plugins`,
 * which may be missing; a folder named in the variable must exist) and `LOOM_CONFIG` (default
 * `./loom.config.json`). Plain data, so a process hands it to the step runners it starts.
 */
export function pluginSourcesFromEnv(
  builtins: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): PluginSources {
  const pluginsDir = env.LOOM_PLUGINS_DIR?.trim();
  const configFile = env.LOOM_CONFIG?.trim();
  return {
    builtins: [...builtins],
    pluginsDir: resolve(cwd, pluginsDir || 'plugins'),
    pluginsDirRequired: pluginsDir !== undefined && pluginsDir !== '',
    configFile: resolve(cwd, configFile || join('.', LOOM_CONFIG_FILE)),
  };
}

export interface PluginRegistry extends LoadedPlugins {
  discovery: Discovery;
}

/**
 * Discovers and loads every plugin of `sources` into one registry.
 *
 * @throws {PluginLoadError} listing every problem found (a broken manifest, a missing package, two
 *   plugins defining one node type and version, an entry that fails to import).
 */
export async function loadPluginRegistry(
  sources: PluginSources,
  options: LoadPluginsOptions = {},
): Promise<PluginRegistry> {
  const discovery = await discoverPlugins(sources);
  if (discovery.problems.length > 0) throw new PluginLoadError(discovery.problems);
  return { ...(await loadPlugins(discovery.manifests, options)), discovery };
}
