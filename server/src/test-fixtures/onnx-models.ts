import { profileData } from '@loom/drift';
import { buildOnnxModel } from '@loom/onnx';
import { exampleModels } from '@loom/onnx/testing';

/**
 * Real Loom ONNX files, exported by @loom/onnx from its example models (seeded, so the same bytes every
 * run): `logisticBinary` classifies `no`/`yes` from age, income, city, color and visits;
 * `softmaxIntegerClasses` classifies 1, 2 or 3; `forestRegressor` predicts a number.
 */
export function exampleOnnx(
  name: 'logisticBinary' | 'softmaxIntegerClasses' | 'forestRegressor',
  options: { baseline?: boolean } = {},
): Uint8Array {
  const model = exampleModels()[name];
  if (model === undefined) throw new Error(`@loom/onnx has no example model "${name}"`);
  // The parity sample holds raw rows of every input: profiled, it makes a training baseline.
  return buildOnnxModel(options.baseline === true ? { ...model, baseline: profileData(model.sample) } : model);
}
