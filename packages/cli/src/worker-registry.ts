import { fileURLToPath } from 'node:url';
import type { PluginSources } from '@loom/plugins';
import type { NodeRegistry } from '@loom/sdk';
import { loadNodeRegistry } from './node-registry.ts';

/**
 * The registry module that `loom start` and `loom worker` hand to their step-runner processes: each
 * loads the plugins itself, from the sources its parent found, so node code runs only in those
 * processes.
 */
export async function createRegistry(sources?: PluginSources): Promise<NodeRegistry> {
  return (await loadNodeRegistry(sources)).registry;
}

/** This module's path, for `StepRunnerPoolOptions.registryModule`. */
export const WORKER_REGISTRY_MODULE = fileURLToPath(import.meta.url);
