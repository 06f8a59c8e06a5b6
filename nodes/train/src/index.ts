import type { AnyNodeDefinition } from '@loom/sdk';
import { linearRegression } from './linear-regression.ts';
import { logisticRegression } from './logistic-regression.ts';
import { mlp } from './mlp.ts';
import { randomForest } from './random-forest.ts';

export { MODEL_MEDIA_TYPE } from './model-output.ts';
export { findTorchPython, probeTorchPython, type TorchPythonProbe, torchPythonCandidates } from './torch-python.ts';
export { linearRegression, logisticRegression, mlp, randomForest };

/** Every node this package provides. */
export const trainNodes: readonly AnyNodeDefinition[] = [logisticRegression, linearRegression, randomForest, mlp];

/** The plugin entry's export: every node this package provides (its package.json lists them under `loom.nodes`). */
export const nodes = trainNodes;
