import { describe, expect, it } from 'vitest';
import { regressionMetrics } from './regression-metrics.ts';

describe('regressionMetrics', () => {
  it('computes RMSE, MAE and R²', () => {
    // scikit-learn's documentation example: MSE 0.375, MAE 0.5.
    const report = regressionMetrics(Float64Array.of(3, -0.5, 2, 7), Float64Array.of(2.5, 0, 2, 8));
    expect(report.rmse).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(report.mae).toBe(0.5);
    // SS_tot: mean 2.875; squared deviations sum to 29.1875.
    expect(report.r2).toBeCloseTo(1 - 1.5 / 29.1875, 15);
  });

  it('gives R² 1 for perfect predictions and below 0 for worse than the mean', () => {
    const y = Float64Array.of(1, 2, 3);
    expect(regressionMetrics(y, y)).toEqual({ rmse: 0, mae: 0, r2: 1 });
    expect(regressionMetrics(y, Float64Array.of(3, 2, 1)).r2).toBe(1 - 8 / 2);
  });

  it('follows scikit-learn when every true value is the same', () => {
    const y = Float64Array.of(4, 4, 4);
    expect(regressionMetrics(y, Float64Array.of(4, 4, 4)).r2).toBe(1);
    expect(regressionMetrics(y, Float64Array.of(4, 5, 4)).r2).toBe(0);
  });

  it('rejects mismatched or empty input', () => {
    expect(() => regressionMetrics(Float64Array.of(1, 2), Float64Array.of(1))).toThrow(/2 true values but 1/);
    expect(() => regressionMetrics(new Float64Array(0), new Float64Array(0))).toThrow(/at least one row/);
  });
});
