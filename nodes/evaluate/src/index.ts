import type { AnyNodeDefinition } from '@loom/sdk';
import { exportOnnx } from './export-onnx.ts';
import { permutationImportance } from './permutation-importance.ts';
import { validateModel } from './validate-model.ts';

export { exportOnnx, permutationImportance, validateModel };

/** Every node this package provides. */
export const evaluateNodes: readonly AnyNodeDefinition[] = [exportOnnx, validateModel, permutationImportance];
