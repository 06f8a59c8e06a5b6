export { type Discovery, discoverPlugins, type PluginSources } from './discover-plugins.ts';
export { hashPluginImplementation, hashSources } from './implementation-hash.ts';
export { type LoadedPlugin, type LoadedPlugins, type LoadPluginsOptions, loadPlugins } from './load-plugins.ts';
export { LOOM_CONFIG_FILE, type LoomConfig, readLoomConfig } from './loom-config.ts';
export { describeProblem, PluginLoadError, type PluginProblem } from './plugin-error.ts';
export { registerPluginHooks } from './plugin-hooks.ts';
export {
  PLUGIN_API_VERSION,
  type PluginManifest,
  readPluginManifest,
  SDK_PACKAGE,
} from './plugin-manifest.ts';
export { loadPluginRegistry, type PluginRegistry, pluginSourcesFromEnv } from './plugin-registry.ts';
