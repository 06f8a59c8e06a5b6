/** Rows × columns of float64 features, row-major: row `r`, column `c` is `data[r * cols + c]`. */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Builds a row-major matrix from one array per column (all of the same length). */
export function matrixFromColumns(columns: readonly Float64Array[]): FeatureMatrix {
  const cols = columns.length;
  const rows = cols === 0 ? 0 : (columns[0] as Float64Array).length;
  const data = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    const column = columns[c] as Float64Array;
    if (column.length !== rows) throw new RangeError(`column ${c} has ${column.length} rows, expected ${rows}`);
    for (let r = 0; r < rows; r++) data[r * cols + c] = column[r] as number;
  }
  return { rows, cols, data };
}

/** The rows at `indices`, in that order. */
export function selectRows(matrix: FeatureMatrix, indices: ArrayLike<number>): FeatureMatrix {
  const { cols } = matrix;
  const data = new Float64Array(indices.length * cols);
  for (let i = 0; i < indices.length; i++) {
    const from = (indices[i] as number) * cols;
    data.set(matrix.data.subarray(from, from + cols), i * cols);
  }
  return { rows: indices.length, cols, data };
}
