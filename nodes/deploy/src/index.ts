import type { AnyNodeDefinition } from '@loom/sdk';
import { deployEndpoint, deployEndpointV1 } from './deploy-endpoint.ts';

export { deployEndpoint, deployEndpointV1 };

/** Every node this package provides. */
export const deployNodes: readonly AnyNodeDefinition[] = [deployEndpointV1, deployEndpoint];

/** The plugin entry's export: every node this package provides (its package.json lists them under `loom.nodes`). */
export const nodes = deployNodes;
