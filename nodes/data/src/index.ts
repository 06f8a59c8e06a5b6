import type { AnyNodeDefinition } from '@loom/sdk';
import { dataCsv } from './read-csv.ts';
import { dataJson } from './read-json.ts';
import { dataParquet } from './read-parquet.ts';

export { DATA_ROOTS_VARIABLE } from './source-file.ts';
export { dataCsv, dataJson, dataParquet };

/** Every node this package provides. */
export const dataNodes: readonly AnyNodeDefinition[] = [dataCsv, dataParquet, dataJson];

/** The plugin entry's export: every node this package provides (its package.json lists them under `loom.nodes`). */
export const nodes = dataNodes;
