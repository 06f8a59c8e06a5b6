/** Each row's index of its first maximum, for `rows` rows of `width` values (row-major) — ONNX ArgMax's choice. */
export function argmaxRows(values: Float64Array, rows: number, width: number): Int32Array {
  const index = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const offset = r * width;
    let best = 0;
    for (let c = 1; c < width; c++) {
      if ((values[offset + c] as number) > (values[offset + best] as number)) best = c;
    }
    index[r] = best;
  }
  return index;
}
