import { createHash } from 'node:crypto';
import type { NewModelVersion } from '../store-types.ts';

/** A sha256 that stands for the ONNX file `name`: the store tests never read the bytes. */
export function onnxHash(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

/** A classifier version of `model` whose ONNX is the one named `onnx`. */
export function classifierVersion(model: string, onnx: string, extra: Partial<NewModelVersion> = {}): NewModelVersion {
  return {
    model,
    onnxSha256: onnxHash(onnx),
    onnxSize: 1234,
    inputs: [
      { name: 'sepal_length', kind: 'number' },
      { name: 'species_hint', kind: 'string' },
    ],
    outputs: [
      { name: 'label', kind: 'string', shape: [-1] },
      { name: 'probabilities', kind: 'number', shape: [-1, 3] },
    ],
    task: 'classification',
    label: 'species',
    labelKind: 'string',
    classes: ['setosa', 'versicolor', 'virginica'],
    trainedBy: 'train.random_forest',
    ...extra,
  };
}
