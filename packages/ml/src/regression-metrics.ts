/** Errors of a regressor's predictions, as scikit-learn's `mean_squared_error` (root), `mean_absolute_error` and `r2_score` compute them. */
export interface RegressionReport {
  /** Root mean squared error. */
  rmse: number;
  /** Mean absolute error. */
  mae: number;
  /**
   * Coefficient of determination, 1 − SS_res / SS_tot. When every true value is the same (SS_tot = 0) it is
   * 1 for perfect predictions and 0 otherwise, as scikit-learn's `r2_score` gives by default.
   */
  r2: number;
}

/**
 * Compares predictions with true values.
 * @example
 * regressionMetrics(Float64Array.of(3, -0.5, 2, 7), Float64Array.of(2.5, 0, 2, 8)); // { rmse: 0.612…, mae: 0.5, r2: 0.948… }
 */
export function regressionMetrics(yTrue: Float64Array, yPred: Float64Array): RegressionReport {
  const n = yTrue.length;
  if (yPred.length !== n) throw new RangeError(`${n} true values but ${yPred.length} predictions`);
  if (n === 0) throw new RangeError('regression metrics need at least one row');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i] as number;
  mean /= n;
  let squared = 0;
  let absolute = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const y = yTrue[i] as number;
    const error = y - (yPred[i] as number);
    squared += error * error;
    absolute += Math.abs(error);
    total += (y - mean) * (y - mean);
  }
  let r2: number;
  if (total !== 0) r2 = 1 - squared / total;
  else r2 = squared === 0 ? 1 : 0;
  return { rmse: Math.sqrt(squared / n), mae: absolute / n, r2 };
}
