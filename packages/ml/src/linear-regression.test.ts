import { describe, expect, it } from 'vitest';
import { predictLinear } from './estimator-predict.ts';
import type { FeatureMatrix } from './feature-matrix.ts';
import { solveCholesky, trainLinearRegression } from './linear-regression.ts';
import { createRng } from './rng.ts';

function randomData(rows: number, cols: number, seed: number, noise = 0.1) {
  const rng = createRng(seed);
  const truth = Array.from({ length: cols }, () => rng.normal());
  const data = Float64Array.from({ length: rows * cols }, () => rng.normal());
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let value = 1.5 + noise * rng.normal();
    for (let c = 0; c < cols; c++) value += (truth[c] as number) * (data[r * cols + c] as number);
    y[r] = value;
  }
  return { x: { rows, cols, data } satisfies FeatureMatrix, y, truth };
}

/** Xcᵀ(y − ŷ) − α·w: zero at the ridge solution, for each feature. */
function stationarity(x: FeatureMatrix, y: Float64Array, alpha: number, w: number[], b: number): number[] {
  const predictions = predictLinear({ kind: 'linear', link: 'identity', weights: [w], intercepts: [b] }, x);
  return w.map((wc, c) => {
    let sum = 0;
    for (let r = 0; r < x.rows; r++)
      sum += (x.data[r * x.cols + c] as number) * ((y[r] as number) - (predictions[r] as number));
    return sum - alpha * wc;
  });
}

describe('trainLinearRegression', () => {
  it('equals the closed form of a one-feature ridge', async () => {
    // x̄ = 2.5, ȳ = 5, Sxx = 5, Sxy = 11: w = 11 / (5 + α), b = ȳ − w·x̄.
    const x = { rows: 4, cols: 1, data: Float64Array.of(1, 2, 3, 4) };
    const y = Float64Array.of(2, 4, 5, 9);
    for (const alpha of [0, 1, 7.5]) {
      const { estimator } = await trainLinearRegression(x, y, { regularization: alpha });
      const w = 11 / (5 + alpha);
      expect(estimator.weights[0]?.[0]).toBeCloseTo(w, 13);
      expect(estimator.intercepts[0]).toBeCloseTo(5 - w * 2.5, 13);
      expect(estimator.link).toBe('identity');
    }
  });

  it('equals Cramer’s rule on a two-feature case', async () => {
    const { x, y } = randomData(9, 2, 1);
    const alpha = 0.8;
    const mean = (get: (r: number) => number) =>
      Array.from({ length: 9 }, (_, r) => get(r)).reduce((a, b) => a + b) / 9;
    const m0 = mean((r) => x.data[2 * r] as number);
    const m1 = mean((r) => x.data[2 * r + 1] as number);
    const my = mean((r) => y[r] as number);
    let s00 = alpha;
    let s01 = 0;
    let s11 = alpha;
    let t0 = 0;
    let t1 = 0;
    for (let r = 0; r < 9; r++) {
      const a = (x.data[2 * r] as number) - m0;
      const b = (x.data[2 * r + 1] as number) - m1;
      const t = (y[r] as number) - my;
      s00 += a * a;
      s01 += a * b;
      s11 += b * b;
      t0 += a * t;
      t1 += b * t;
    }
    const det = s00 * s11 - s01 * s01;
    const w0 = (t0 * s11 - s01 * t1) / det;
    const w1 = (s00 * t1 - s01 * t0) / det;
    const { estimator } = await trainLinearRegression(x, y, { regularization: alpha });
    expect(estimator.weights[0]?.[0]).toBeCloseTo(w0, 12);
    expect(estimator.weights[0]?.[1]).toBeCloseTo(w1, 12);
    expect(estimator.intercepts[0]).toBeCloseTo(my - w0 * m0 - w1 * m1, 12);
  });

  it('satisfies the ridge normal equations, with an unpenalised intercept', async () => {
    const { x, y } = randomData(60, 8, 2, 1);
    const alpha = 2.5;
    const { estimator } = await trainLinearRegression(x, y, { regularization: alpha });
    const w = estimator.weights[0] as number[];
    const b = estimator.intercepts[0] as number;
    for (const value of stationarity(x, y, alpha, w, b)) expect(Math.abs(value)).toBeLessThan(1e-10);
    // The residuals sum to zero: the intercept absorbs their mean whatever α is.
    const residual = predictLinear(estimator, x).reduce((sum, p, r) => sum + (y[r] as number) - p, 0);
    expect(Math.abs(residual)).toBeLessThan(1e-10);
  });

  it('recovers noiseless coefficients exactly with α = 0', async () => {
    const { x, y, truth } = randomData(50, 6, 3, 0);
    const { estimator } = await trainLinearRegression(x, y, { regularization: 0 });
    truth.forEach((value, c) => {
      expect(estimator.weights[0]?.[c]).toBeCloseTo(value, 11);
    });
    expect(estimator.intercepts[0]).toBeCloseTo(1.5, 11);
  });

  it('shrinks towards the mean as α grows', async () => {
    const { x, y } = randomData(40, 4, 4);
    const norms: number[] = [];
    for (const alpha of [0, 10, 1e9]) {
      const { estimator } = await trainLinearRegression(x, y, { regularization: alpha });
      norms.push(Math.hypot(...(estimator.weights[0] as number[])));
      if (alpha === 1e9) expect(estimator.intercepts[0]).toBeCloseTo(y.reduce((a, b) => a + b) / y.length, 6);
    }
    expect(norms[1]).toBeLessThan(norms[0] as number);
    expect(norms[2]).toBeLessThan(1e-6);
  });

  it('gives a least-squares solution with constant and duplicated features at α = 0', async () => {
    const { x: base, y } = randomData(30, 2, 5);
    // Columns: a, constant 7, a again, b.
    const data = new Float64Array(30 * 4);
    for (let r = 0; r < 30; r++)
      data.set([base.data[2 * r] as number, 7, base.data[2 * r] as number, base.data[2 * r + 1] as number], r * 4);
    const x = { rows: 30, cols: 4, data };
    const { estimator } = await trainLinearRegression(x, y, { regularization: 0 });
    const w = estimator.weights[0] as number[];
    expect(w.every(Number.isFinite)).toBe(true);
    expect(w[1]).toBe(0);
    expect(w[2]).toBe(0);
    const reference = await trainLinearRegression(base, y, { regularization: 0 });
    expect(w[0]).toBeCloseTo(reference.estimator.weights[0]?.[0] as number, 10);
    expect(w[3]).toBeCloseTo(reference.estimator.weights[0]?.[1] as number, 10);
    for (const value of stationarity(x, y, 0, w, estimator.intercepts[0] as number))
      expect(Math.abs(value)).toBeLessThan(1e-8);
  });

  it('stays accurate when features have a large mean', async () => {
    const { x, y } = randomData(100, 3, 6);
    const shifted = { ...x, data: x.data.map((value) => value + 1e8) };
    const near = await trainLinearRegression(x, y, { regularization: 1 });
    const far = await trainLinearRegression(shifted, y, { regularization: 1 });
    near.estimator.weights[0]?.forEach((value, c) => {
      expect(far.estimator.weights[0]?.[c]).toBeCloseTo(value, 6);
    });
  });

  it('reports the objective / rows once, as its only loss', async () => {
    const { x, y } = randomData(20, 3, 7);
    const calls: Array<[number, number]> = [];
    const result = await trainLinearRegression(x, y, {
      regularization: 3,
      onIteration: (iteration, loss) => calls.push([iteration, loss]),
    });
    const predictions = predictLinear(result.estimator, x);
    let objective = 3 * (result.estimator.weights[0] as number[]).reduce((sum, w) => sum + w * w, 0);
    for (let r = 0; r < 20; r++) objective += ((y[r] as number) - (predictions[r] as number)) ** 2;
    expect(result.lossCurve).toHaveLength(1);
    expect(result.lossCurve[0]).toBeCloseTo(objective / 20, 12);
    expect(calls).toEqual([[1, result.lossCurve[0]]]);
  });

  it('rejects with the abort reason promptly', async () => {
    const rows = 20_000;
    const cols = 300;
    const data = new Float64Array(rows * cols);
    // Any finite values do: only the time the Gram matrix takes matters here.
    for (let i = 0; i < data.length; i++) data[i] = (i % 101) / 101;
    const x = { rows, cols, data };
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 20);
    const started = performance.now();
    await expect(trainLinearRegression(x, new Float64Array(rows), { signal: controller.signal })).rejects.toThrow(
      'cancelled',
    );
    expect(performance.now() - started).toBeLessThan(300);
  });

  it('rejects mismatched targets and a negative α', async () => {
    const x = { rows: 2, cols: 1, data: Float64Array.of(0, 1) };
    await expect(trainLinearRegression(x, Float64Array.of(1))).rejects.toThrow(RangeError);
    await expect(trainLinearRegression(x, Float64Array.of(1, 2), { regularization: -1 })).rejects.toThrow(RangeError);
  });
});

describe('solveCholesky', () => {
  it('solves a symmetric positive definite system', async () => {
    // A = [[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]], x = [1, −2, 0.5].
    const a = Float64Array.of(4, 2, 0.4, 2, 5, 1, 0.4, 1, 3);
    const b = Float64Array.of(4 - 4 + 0.2, 2 - 10 + 0.5, 0.4 - 2 + 1.5);
    const x = await solveCholesky(a, b, 3);
    expect(x[0]).toBeCloseTo(1, 14);
    expect(x[1]).toBeCloseTo(-2, 14);
    expect(x[2]).toBeCloseTo(0.5, 14);
  });
});
