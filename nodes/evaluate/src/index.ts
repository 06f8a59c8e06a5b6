import type { AnyNodeDefinition } from '@loom/sdk';
import { exportOnnx } from './export-onnx.ts';
import { permutationImportance } from './permutation-importance.ts';
import { validateModel } from './validate-model.ts';

export { exportOnnx, permutationImportance, validateModel };

/** Every node this package provides. */
export const evaluateNodes: readonly AnyNodeDefinition[] = [exportOnnx, validateModel, permutationImportance];

/** The plugin entry's export: every node this package provides (its package.json lists them under `loom.nodes`). */
export const nodes = evaluateNodes;
