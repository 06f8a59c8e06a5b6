import type { AnyNodeDefinition } from '@loom/sdk';
import { deployEndpoint } from './deploy-endpoint.ts';

export { deployEndpoint };

/** Every node this package provides. */
export const deployNodes: readonly AnyNodeDefinition[] = [deployEndpoint];

/** The plugin entry's export: every node this package provides (its package.json lists them under `loom.nodes`). */
export const nodes = deployNodes;
