import type { RawColumns } from '@loom/ml';
import * as ort from 'onnxruntime-node';

/**
 * Test helper: runs ONNX bytes in a bare onnxruntime session and returns every output. Columns are
 * passed as the exported graph expects them: numbers as float32 with NaN for NULL, strings with '' for
 * NULL. Unlike `OnnxPredictor`, it needs no Loom metadata, so it also runs foreign models.
 *
 * @example
 * const { probabilities } = await runOnnx(bytes, { age: new Float64Array([31]) }, 1);
 */
export async function runOnnx(
  bytes: Uint8Array,
  columns: RawColumns,
  rows: number,
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      const column = columns[name];
      if (column === undefined) throw new Error(`missing input column '${name}'`);
      feeds[name] =
        column instanceof Float64Array
          ? new ort.Tensor('float32', new Float32Array(column.subarray(0, rows)), [rows, 1])
          : new ort.Tensor(
              'string',
              column.slice(0, rows).map((v) => v ?? ''),
              [rows, 1],
            );
    }
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}
