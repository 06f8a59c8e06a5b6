export { buildApp } from './app.ts';
export {
  buildModelServerApp,
  type ModelServerAppOptions,
  resolveModelServerOptions,
  startModelServer,
} from './model-server/model-server-app.ts';
export type { ModelServerOptions } from './model-server/model-server-options.ts';
export type { InferenceLogEntry, RequestLogSink } from './model-server/request-log-types.ts';
export type { ServingTable } from './model-server/serving-table.ts';
export { type NodeRegistrySource, ReplaceableRegistrySource } from './node-registry-source.ts';
export { isLoopbackHost, type ResolvedServerOptions } from './plugins/config-plugin.ts';
export type { LoomMetrics } from './plugins/metrics-plugin.ts';
export { dataRootsFromEnv, resolveServerOptions, type ServerOptionsInput } from './resolve-server-options.ts';
export type { ServerOptions } from './server-options.ts';
export { type StartedServer, startServer } from './start-server.ts';
