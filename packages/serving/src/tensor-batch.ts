import { elementCount, type Tensor, type Tensors } from './tensor.ts';

/**
 * The rows a request's feeds carry (their common first dimension), or undefined when they do not
 * share one, or cannot be joined with others (a scalar feed).
 */
export function feedRows(feeds: Tensors): number | undefined {
  let rows: number | undefined;
  for (const tensor of Object.values(feeds)) {
    const first = tensor.dims[0];
    if (first === undefined || (rows !== undefined && first !== rows)) return undefined;
    rows = first;
  }
  return rows;
}

/** Whether two requests' feeds can go in one batch: the same names, types and trailing dims. */
export function sameFeedLayout(a: Tensors, b: Tensors): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  return names.every((name) => {
    const x = a[name] as Tensor;
    const y = b[name];
    return (
      y !== undefined &&
      x.type === y.type &&
      x.dims.length === y.dims.length &&
      x.dims.every((d, i) => i === 0 || d === y.dims[i])
    );
  });
}

/** Joins several requests' feeds along the first dimension (rows), in order. */
export function concatRows(parts: Tensors[]): Tensors {
  const first = parts[0] as Tensors;
  const joined: Tensors = {};
  for (const [name, tensor] of Object.entries(first)) {
    const tensors = parts.map((part) => part[name] as Tensor);
    const rows = tensors.reduce((sum, t) => sum + (t.dims[0] as number), 0);
    const dims = [rows, ...tensor.dims.slice(1)];
    if (tensor.type === 'string') {
      joined[name] = { type: 'string', data: tensors.flatMap((t) => t.data as string[]), dims };
      continue;
    }
    const Constructor = (tensor.data as Float32Array).constructor as new (length: number) => Float32Array;
    const data = new Constructor(elementCount(dims));
    let offset = 0;
    for (const t of tensors) {
      data.set(t.data as Float32Array, offset);
      offset += t.data.length;
    }
    joined[name] = { type: tensor.type, data, dims } as Tensor;
  }
  return joined;
}

/** Splits a batch's outputs back into each request's rows. Throws when an output has no row dimension. */
export function splitRows(outputs: Tensors, rows: readonly number[]): Tensors[] {
  const total = rows.reduce((a, b) => a + b, 0);
  const parts: Tensors[] = rows.map(() => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    if (tensor.dims[0] !== total) throw new Error(`output '${name}' has no row dimension to split a batch by`);
    const width = elementCount(tensor.dims.slice(1));
    let start = 0;
    rows.forEach((count, i) => {
      const dims = [count, ...tensor.dims.slice(1)];
      const end = start + count * width;
      // slice, not subarray: each request gets buffers of its own to hand on.
      (parts[i] as Tensors)[name] = { type: tensor.type, data: tensor.data.slice(start, end), dims } as Tensor;
      start = end;
    });
  }
  return parts;
}
