import { buildOnnxModel } from '@loom/onnx';
import { exampleModels } from '@loom/onnx/testing';

/**
 * Real Loom ONNX files, exported by @loom/onnx from its example models (seeded, so the same bytes every
 * run): `logisticBinary` classifies `no`/`yes` from age, income, city, color and visits;
 * `softmaxIntegerClasses` classifies 1, 2 or 3; `forestRegressor` predicts a number.
 */
export function exampleOnnx(name: 'logisticBinary' | 'softmaxIntegerClasses' | 'forestRegressor'): Uint8Array {
  const model = exampleModels()[name];
  if (model === undefined) throw new Error(`@loom/onnx has no example model "${name}"`);
  return buildOnnxModel(model);
}
