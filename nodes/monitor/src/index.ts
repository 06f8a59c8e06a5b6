import type { AnyNodeDefinition } from '@loom/sdk';
import { monitorDrift, monitorDriftV1 } from './monitor-drift.ts';

export { monitorDrift, monitorDriftV1 };

/** Every node this package provides. */
export const monitorNodes: readonly AnyNodeDefinition[] = [monitorDriftV1, monitorDrift];

/** The plugin entry's export: every node this package provides (its package.json lists them under `loom.nodes`). */
export const nodes = monitorNodes;
