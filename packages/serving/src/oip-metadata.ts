import type { OnnxModelInfo } from '@loom/onnx';
import { OUTPUTS } from '@loom/onnx';
import type { OipDatatype, OipModelMetadata, OipTensorMetadata } from './oip-types.ts';

/**
 * Open Inference Protocol v2 metadata for a Loom ONNX model, from what the file says about itself
 * (`readOnnxModelInfo` in `@loom/onnx`): one `[-1, 1]` input per source column (FP32 for numbers,
 * BYTES for strings), and the outputs `buildOnnxModel` gives: `label` (`[-1]`) and `probabilities`
 * (`[-1, classes]`, FP32) for a classifier, `variable` (`[-1, 1]`, FP32) for a regressor.
 *
 * @example
 * reply.send(modelMetadata('iris', ['1', '2'], readOnnxModelInfo(bytes)));
 */
export function modelMetadata(name: string, versions: string[], info: OnnxModelInfo): OipModelMetadata {
  const inputs: OipTensorMetadata[] = info.inputs.map((input) => ({
    name: input.name,
    datatype: input.kind === 'number' ? 'FP32' : 'BYTES',
    shape: [-1, 1],
  }));
  const outputs: OipTensorMetadata[] =
    info.task === 'classification'
      ? [
          { name: OUTPUTS.label, datatype: labelDatatype(info.classes ?? []), shape: [-1] },
          { name: OUTPUTS.probabilities, datatype: 'FP32', shape: [-1, info.classes?.length ?? 0] },
        ]
      : [{ name: OUTPUTS.variable, datatype: 'FP32', shape: [-1, 1] }];
  return { name, versions, platform: 'onnxruntime', inputs, outputs };
}

/** The type `buildOnnxModel` gives the `label` output: the classes' own type. */
function labelDatatype(classes: readonly (string | number)[]): OipDatatype {
  if (classes.every((c) => typeof c === 'string')) return 'BYTES';
  if (classes.every((c) => Number.isSafeInteger(c))) return 'INT64';
  return 'FP64';
}
