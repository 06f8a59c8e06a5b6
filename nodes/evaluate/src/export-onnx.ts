import { readFile } from 'node:fs/promises';
import type { ModelFile } from '@loom/ml';
import { buildOnnxModel, checkParity } from '@loom/onnx';
import { defineNode, input, NodeError, output, Type } from '@loom/sdk';

export const ONNX_MEDIA_TYPE = 'application/onnx';

export const exportOnnx = defineNode({
  type: 'export.onnx',
  version: '1.0.0',
  title: 'Export to ONNX',
  description:
    'Writes the model and the preprocessing it was trained behind as one ONNX graph that takes the raw columns, then checks that onnxruntime predicts what the trained model predicts.',
  category: 'export',
  inputs: { model: input('model', { description: 'A model from a train node.' }) },
  params: Type.Object({
    tolerance: Type.Number({
      default: 1e-4,
      exclusiveMinimum: 0,
      maximum: 1,
      description:
        'Largest difference allowed between the ONNX model’s and the trained model’s outputs: absolute for probabilities and values up to 1, relative for larger regression values (float32 cannot hold them to 1e-4).',
    }),
  }),
  outputs: { onnx: output('onnx', { description: 'The ONNX model (opset 17).' }) },
  resources: { memoryMb: 2048 },
  async run(ctx) {
    const model = await readModelFile(ctx.inputs.model.path);
    const bytes = buildOnnxModel(model);
    ctx.log.info(`built an ONNX graph of ${bytes.byteLength} bytes for ${model.trainedBy}`);
    const parity = await checkParity(model, bytes, { tolerance: ctx.params.tolerance });
    ctx.metric('parity_max_abs_difference', parity.maxAbsDifference);
    ctx.metric('parity_rows', parity.rows);
    if (!parity.passed) {
      const worst = parity.worst;
      const where =
        worst === undefined
          ? ''
          : ` (row ${worst.row}, ${worst.output}: trained model ${worst.expected}, ONNX ${worst.actual})`;
      throw new NodeError(
        `ONNX parity check failed: outputs differ by up to ${parity.maxAbsDifference} on ${parity.rows} sample rows, above the tolerance ${ctx.params.tolerance}${where}`,
        { retryable: false },
      );
    }
    ctx.log.info(`parity holds on ${parity.rows} rows: max |difference| ${parity.maxAbsDifference.toExponential(2)}`);
    return { onnx: await ctx.artifacts.write(bytes, { mediaType: ONNX_MEDIA_TYPE }) };
  },
});

/** Reads a `model` artifact, refusing files that are not Loom models of a version this code knows. */
export async function readModelFile(path: string): Promise<ModelFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new NodeError(`the model input is not a Loom model file: ${(cause as Error).message}`, { retryable: false });
  }
  const candidate = parsed as Partial<ModelFile> | null;
  if (candidate === null || typeof candidate !== 'object' || candidate.format !== 'loom.model') {
    throw new NodeError('the model input is not a Loom model file (format "loom.model" expected)', {
      retryable: false,
    });
  }
  if (candidate.version !== 1) {
    throw new NodeError(`the model file has version ${String(candidate.version)}; this Loom reads version 1`, {
      retryable: false,
    });
  }
  return candidate as ModelFile;
}
