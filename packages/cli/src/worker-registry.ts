import type { NodeRegistry } from '@loom/sdk';
import { loadBuiltinRegistry } from './builtin-registry.ts';

/**
 * The registry module that `loom worker` hands to its step-runner processes: each loads the node
 * types itself, so node code runs only in those processes.
 */
export function createRegistry(): Promise<NodeRegistry> {
  return loadBuiltinRegistry();
}
