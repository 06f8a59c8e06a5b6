import type { AnyNodeDefinition } from '@loom/sdk';
import { monitorDrift } from './monitor-drift.ts';

export { monitorDrift };

/** Every node this package provides. */
export const monitorNodes: readonly AnyNodeDefinition[] = [monitorDrift];

/** The plugin entry's export: every node this package provides (its package.json lists them under `loom.nodes`). */
export const nodes = monitorNodes;
