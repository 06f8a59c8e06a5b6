import type { FeatureMatrix } from './feature-matrix.ts';
import type { LinearEstimator } from './model-format.ts';
import { createPacer, type Pacer, type TrainingHooks } from './training-loop.ts';

/** Options of {@link trainLinearRegression}. */
export interface LinearRegressionOptions extends TrainingHooks {
  /** Ridge penalty α on the weights (not the intercept), as scikit-learn's `Ridge(alpha)`; 0 is least squares. @default 1 */
  regularization?: number;
}

export interface LinearRegressionResult {
  /** `identity` link, one output. */
  estimator: LinearEstimator;
  /** One entry, the solve being exact: (‖y − Xw − b‖² + α‖w‖²) / rows at the solution. */
  lossCurve: number[];
}

/**
 * Fits ridge regression, minimising ‖y − Xw − b‖² + α‖w‖² with the intercept unpenalised, exactly: the
 * data are centred, then (XᵀX + αI)w = Xᵀy is solved by Cholesky factorisation. Costs rows × features²/2
 * for the Gram matrix and features³/6 for the factorisation, so it suits up to a few thousand features.
 * With α = 0 and collinear (or constant) features, the dependent ones get weight 0, which is still a
 * least-squares solution.
 *
 * @example
 * const { estimator } = await trainLinearRegression(x, y, { regularization: 0.5 });
 * const predictions = predictLinear(estimator, x); // one value per row
 */
export async function trainLinearRegression(
  x: FeatureMatrix,
  y: Float64Array,
  options: LinearRegressionOptions = {},
): Promise<LinearRegressionResult> {
  const alpha = options.regularization ?? 1;
  if (!(alpha >= 0 && Number.isFinite(alpha))) throw new RangeError('regularization must be a finite number ≥ 0');
  const { rows, cols, data } = x;
  if (rows === 0) throw new RangeError('no training rows');
  if (y.length !== rows) throw new RangeError(`${y.length} targets for ${rows} rows`);
  const pacer = createPacer(options.signal);
  pacer.due();

  const means = new Float64Array(cols);
  let yMean = 0;
  for (let r = 0, offset = 0; r < rows; r++, offset += cols) {
    for (let c = 0; c < cols; c++) means[c] = (means[c] as number) + (data[offset + c] as number);
    yMean += y[r] as number;
  }
  for (let c = 0; c < cols; c++) means[c] = (means[c] as number) / rows;
  yMean /= rows;

  // Centring each row as it is read, rather than subtracting n·x̄x̄ᵀ afterwards, avoids cancellation
  // when features have large means.
  const gram = new Float64Array(cols * cols);
  const rhs = new Float64Array(cols);
  const centred = new Float64Array(cols);
  // A row costs cols²/2 multiply-adds: check the clock about every 10⁵ of them.
  const rowsPerCheck = Math.max(1, Math.floor(100_000 / (cols * cols + 1)));
  for (let r = 0, offset = 0; r < rows; r++, offset += cols) {
    if (r % rowsPerCheck === 0 && pacer.due()) await pacer.pause();
    for (let c = 0; c < cols; c++) centred[c] = (data[offset + c] as number) - (means[c] as number);
    const target = (y[r] as number) - yMean;
    for (let i = 0; i < cols; i++) {
      const xi = centred[i] as number;
      rhs[i] = (rhs[i] as number) + xi * target;
      const row = i * cols;
      for (let j = i; j < cols; j++) gram[row + j] = (gram[row + j] as number) + xi * (centred[j] as number);
    }
  }
  for (let i = 0; i < cols; i++) {
    gram[i * cols + i] = (gram[i * cols + i] as number) + alpha;
    for (let j = i + 1; j < cols; j++) gram[j * cols + i] = gram[i * cols + j] as number;
  }

  const weights = await solveCholesky(gram, rhs, cols, pacer);
  let intercept = yMean;
  for (let c = 0; c < cols; c++) intercept -= (weights[c] as number) * (means[c] as number);

  let objective = 0;
  for (let r = 0, offset = 0; r < rows; r++, offset += cols) {
    let prediction = intercept;
    for (let c = 0; c < cols; c++) prediction += (weights[c] as number) * (data[offset + c] as number);
    objective += ((y[r] as number) - prediction) ** 2;
  }
  for (let c = 0; c < cols; c++) objective += alpha * (weights[c] as number) ** 2;
  const loss = objective / rows;
  options.onIteration?.(1, loss);
  return {
    estimator: { kind: 'linear', link: 'identity', weights: [Array.from(weights)], intercepts: [intercept] },
    lossCurve: [loss],
  };
}

/**
 * Solves A·w = b for a symmetric positive semi-definite A (row-major, overwritten by its Cholesky factor
 * L in the lower triangle). A pivot that falls to rounding level marks a column that depends on earlier
 * ones: it is dropped (weight 0), which leaves L of the remaining columns exactly their own factor.
 */
export async function solveCholesky(a: Float64Array, b: Float64Array, n: number, pacer?: Pacer): Promise<Float64Array> {
  let maxDiagonal = 0;
  for (let i = 0; i < n; i++) maxDiagonal = Math.max(maxDiagonal, a[i * n + i] as number);
  const threshold = n * 2.220446049250313e-16 * maxDiagonal;
  const dropped = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    if (pacer?.due()) await pacer.pause();
    const rowJ = j * n;
    let pivot = a[rowJ + j] as number;
    for (let k = 0; k < j; k++) pivot -= (a[rowJ + k] as number) ** 2;
    if (pivot <= threshold) {
      dropped[j] = 1;
      for (let i = j; i < n; i++) a[i * n + j] = 0;
      continue;
    }
    const diagonal = Math.sqrt(pivot);
    a[rowJ + j] = diagonal;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let sum = a[rowI + j] as number;
      for (let k = 0; k < j; k++) sum -= (a[rowI + k] as number) * (a[rowJ + k] as number);
      a[rowI + j] = sum / diagonal;
    }
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (dropped[i] === 1) continue;
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (a[i * n + k] as number) * (w[k] as number);
    w[i] = sum / (a[i * n + i] as number);
  }
  for (let i = n - 1; i >= 0; i--) {
    if (dropped[i] === 1) continue;
    let sum = w[i] as number;
    for (let k = i + 1; k < n; k++) sum -= (a[k * n + i] as number) * (w[k] as number);
    w[i] = sum / (a[i * n + i] as number);
  }
  return w;
}
