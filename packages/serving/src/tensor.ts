/**
 * A tensor as it crosses between threads and through the codec: its element type (onnxruntime's
 * names), its elements in row-major order, and its dims. Typed arrays travel to and from the inference
 * threads as transferred buffers, never as JSON.
 */
export type Tensor =
  | { type: 'float32'; data: Float32Array; dims: readonly number[] }
  | { type: 'float64'; data: Float64Array; dims: readonly number[] }
  | { type: 'int32'; data: Int32Array; dims: readonly number[] }
  | { type: 'int64'; data: BigInt64Array; dims: readonly number[] }
  | { type: 'bool'; data: Uint8Array; dims: readonly number[] }
  | { type: 'string'; data: string[]; dims: readonly number[] };

/** The element types a {@link Tensor} can hold. */
export type TensorType = Tensor['type'];

/** Named tensors: a model's feeds or its outputs. */
export type Tensors = Record<string, Tensor>;

/** The number of elements a tensor of these dims holds. */
export function elementCount(dims: readonly number[]): number {
  let count = 1;
  for (const dim of dims) count *= dim;
  return count;
}

/**
 * The buffers to transfer when posting these tensors to another thread. A typed array that views only
 * part of its buffer is first replaced by a compact copy, since posting a view clones (or transfers)
 * the whole buffer behind it. Throws when a tensor's data does not fill its dims.
 */
export function transferableTensors(tensors: Tensors): { tensors: Tensors; transfer: ArrayBuffer[] } {
  const out: Tensors = {};
  const transfer: ArrayBuffer[] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    const expected = elementCount(tensor.dims);
    if (tensor.data.length !== expected) {
      // Also what a typed array looks like once an earlier postMessage transferred its buffer away.
      throw new Error(
        `'${name}' has ${tensor.data.length} elements where its dims [${tensor.dims.join(', ')}] need ${expected}`,
      );
    }
    if (tensor.type === 'string') {
      out[name] = tensor;
      continue;
    }
    const { data } = tensor;
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    const compact = (whole ? tensor : { ...tensor, data: data.slice() }) as Tensor;
    const buffer = (compact.data as Exclude<Tensor['data'], string[]>).buffer;
    // A SharedArrayBuffer is shared, not transferred; the same buffer may back several tensors. Node
    // silently drops a message whose transfer list holds a detached buffer, so an empty one stays out.
    if (buffer instanceof ArrayBuffer && buffer.byteLength > 0 && !transfer.includes(buffer)) transfer.push(buffer);
    out[name] = compact;
  }
  return { tensors: out, transfer };
}
