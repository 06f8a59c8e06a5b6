export { builtinPluginDirs, loadBuiltinRegistry, loadNodeRegistry, pluginSources } from './node-registry.ts';
