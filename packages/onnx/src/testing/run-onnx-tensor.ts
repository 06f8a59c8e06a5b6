import * as ort from 'onnxruntime-node';

/**
 * Test helper: runs ONNX bytes whose one input is a float32 matrix (e.g. a network exported by
 * `torch.onnx.export` with input `features` [batch, d]) and returns every output as plain arrays.
 * Unlike {@link runOnnx}, the input is one tensor, not one column per input.
 *
 * @example
 * const { logits } = await runOnnxTensor(bytes, 'features', new Float32Array([1, 2, 3, 4]), [2, 2]);
 */
export async function runOnnxTensor(
  bytes: Uint8Array,
  input: string,
  data: Float32Array,
  dims: readonly number[],
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const outputs = await session.run({ [input]: new ort.Tensor('float32', data, dims) });
    const result: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      result[name] = { data: new Float32Array(tensor.data as Float32Array), dims: tensor.dims };
    }
    return result;
  } finally {
    await session.release();
  }
}
