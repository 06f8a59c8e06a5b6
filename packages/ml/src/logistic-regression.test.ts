import { describe, expect, it } from 'vitest';
import { predictLinear } from './estimator-predict.ts';
import type { FeatureMatrix } from './feature-matrix.ts';
import { logisticObjective, trainLogisticRegression } from './logistic-regression.ts';
import { createRng } from './rng.ts';

/** Rows drawn from a known multinomial logit model: p(k | x) ∝ exp(b_k + w_k · x), x ~ N(0, I). */
function logitData(rows: number, weights: number[][], intercepts: number[], seed: number) {
  const rng = createRng(seed);
  const cols = (weights[0] as number[]).length;
  const data = new Float64Array(rows * cols);
  const y = new Int32Array(rows);
  const scores = new Float64Array(weights.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = rng.normal();
    let sum = 0;
    weights.forEach((w, k) => {
      let z = intercepts[k] as number;
      for (let c = 0; c < cols; c++) z += (w[c] as number) * (data[r * cols + c] as number);
      scores[k] = Math.exp(z);
      sum += Math.exp(z);
    });
    let u = rng.next() * sum;
    let k = 0;
    while (k < weights.length - 1 && u >= (scores[k] as number)) u -= scores[k++] as number;
    y[r] = k;
  }
  return { x: { rows, cols, data } satisfies FeatureMatrix, y };
}

function accuracy(probabilities: Float64Array, y: Int32Array, classes: number): number {
  let correct = 0;
  for (let r = 0; r < y.length; r++) {
    let best = 0;
    for (let k = 1; k < classes; k++)
      if ((probabilities[r * classes + k] as number) > (probabilities[r * classes + best] as number)) best = k;
    if (best === y[r]) correct++;
  }
  return correct / y.length;
}

function maxGradient(x: FeatureMatrix, y: Int32Array, classes: number, lambda: number, parameters: Float64Array) {
  const gradient = new Float64Array(parameters.length);
  logisticObjective(x, y, classes, lambda)(parameters, gradient);
  return Math.max(...gradient.map(Math.abs));
}

/** The estimator's parameters in the objective's layout: all weights, then the intercepts. */
function flatten(estimator: { weights: number[][]; intercepts: number[] }): Float64Array {
  return Float64Array.from([...estimator.weights.flat(), ...estimator.intercepts]);
}

describe('logisticObjective', () => {
  it.each([2, 3, 5])('has the gradient that central differences give (%i classes)', (classes) => {
    const rng = createRng(classes);
    const { x, y } = logitData(
      40,
      Array.from({ length: classes }, () => [rng.normal(), rng.normal(), rng.normal()]),
      Array.from({ length: classes }, () => rng.normal()),
      11,
    );
    const objective = logisticObjective(x, y, classes, 0.7);
    const outputs = classes === 2 ? 1 : classes;
    const parameters = Float64Array.from({ length: outputs * 4 }, () => rng.normal());
    const gradient = new Float64Array(parameters.length);
    const value = objective(parameters, gradient);
    expect(Number.isFinite(value)).toBe(true);
    const scratch = new Float64Array(parameters.length);
    for (let i = 0; i < parameters.length; i++) {
      const h = 1e-6;
      const plus = Float64Array.from(parameters);
      const minus = Float64Array.from(parameters);
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      const numeric = (objective(plus, scratch) - objective(minus, scratch)) / (2 * h);
      expect(Math.abs(numeric - (gradient[i] as number))).toBeLessThan(1e-8);
    }
  });

  it('is the mean log-loss plus (λ/2n)·‖W‖², intercepts unpenalised', () => {
    const x = { rows: 2, cols: 1, data: Float64Array.of(1, -2) };
    const y = Int32Array.of(1, 0);
    // w = 0.5, b = 3: z = 3.5 and 2; losses log(1 + e^-3.5) and log(1 + e^2).
    const value = logisticObjective(x, y, 2, 4)(Float64Array.of(0.5, 3), new Float64Array(2));
    expect(value).toBeCloseTo((Math.log1p(Math.exp(-3.5)) + Math.log1p(Math.exp(2)) + 0.5 * 4 * 0.25) / 2, 14);
  });

  it('stays finite for huge scores', () => {
    const x = { rows: 2, cols: 1, data: Float64Array.of(1000, -1000) };
    const gradient = new Float64Array(2);
    expect(logisticObjective(x, Int32Array.of(0, 1), 2, 0)(Float64Array.of(1, 0), gradient)).toBeCloseTo(1000, 9);
    expect(Array.from(gradient)).toEqual([1000, 0]);
  });
});

describe('trainLogisticRegression', () => {
  it('recovers the coefficients of a binary logit model', async () => {
    const { x, y } = logitData(
      20_000,
      [
        [0, 0, 0],
        [1.5, -2, 0.5],
      ],
      [0, 0.3],
      1,
    );
    const result = await trainLogisticRegression(x, y, 2, { regularization: 1e-6 });
    expect(result.converged).toBe(true);
    expect(result.estimator.link).toBe('logistic');
    expect(result.estimator.weights).toHaveLength(1);
    const [w] = result.estimator.weights as [number[]];
    [1.5, -2, 0.5].forEach((expected, c) => {
      expect(Math.abs((w[c] as number) - expected)).toBeLessThan(0.08);
    });
    expect(Math.abs((result.estimator.intercepts[0] as number) - 0.3)).toBeLessThan(0.08);
    // At scikit-learn's tolerance the gradient of the summed objective is tiny.
    expect(maxGradient(x, y, 2, 1e-6, flatten(result.estimator)) * x.rows).toBeLessThan(1e-2);
  });

  it('fits a multinomial model with one row per class and intercepts summing to zero', async () => {
    const truth = [
      [2, 0],
      [-1, 1.5],
      [-1, -1.5],
    ];
    const { x, y } = logitData(6000, truth, [0.2, 0, -0.2], 2);
    const result = await trainLogisticRegression(x, y, 3, { regularization: 1e-3 });
    expect(result.converged).toBe(true);
    expect(result.estimator.link).toBe('softmax');
    expect(result.estimator.weights).toHaveLength(3);
    // The true weights are only defined up to a shift shared by all classes; ours are centred.
    const mean = [0, 1].map((c) => truth.reduce((sum, w) => sum + (w[c] as number), 0) / 3);
    result.estimator.weights.forEach((w, k) => {
      w.forEach((value, c) => {
        expect(Math.abs(value - ((truth[k] as number[])[c] as number) + (mean[c] as number))).toBeLessThan(0.15);
      });
    });
    expect(result.estimator.intercepts.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
    expect(maxGradient(x, y, 3, 1e-3, flatten(result.estimator))).toBeLessThan(1e-5);
    const probabilities = predictLinear(result.estimator, x);
    expect(accuracy(probabilities, y, 3)).toBeGreaterThan(0.7);
  });

  it('records objective / rows per iteration, decreasing to the final objective', async () => {
    const { x, y } = logitData(
      500,
      [
        [0, 0],
        [1, -1],
      ],
      [0, 0],
      3,
    );
    const reported: Array<[number, number]> = [];
    const result = await trainLogisticRegression(x, y, 2, {
      regularization: 2,
      onIteration: (iteration, loss) => reported.push([iteration, loss]),
    });
    expect(result.lossCurve).toHaveLength(result.iterations);
    expect(reported.map(([, loss]) => loss)).toEqual(result.lossCurve);
    expect(reported.map(([iteration]) => iteration)).toEqual(result.lossCurve.map((_, i) => i + 1));
    for (let i = 1; i < result.lossCurve.length; i++)
      expect(result.lossCurve[i]).toBeLessThanOrEqual(result.lossCurve[i - 1] as number);
    const final = logisticObjective(x, y, 2, 2)(flatten(result.estimator), new Float64Array(3));
    expect(result.lossCurve.at(-1)).toBe(final);
  });

  it('shrinks the weights as λ grows', async () => {
    const { x, y } = logitData(
      400,
      [
        [0, 0, 0],
        [1, 2, -1],
      ],
      [0, 0],
      4,
    );
    const norms: number[] = [];
    for (const regularization of [0.01, 10, 1000]) {
      const { estimator } = await trainLogisticRegression(x, y, 2, { regularization });
      norms.push(Math.hypot(...(estimator.weights[0] as number[])));
    }
    expect(norms[1]).toBeLessThan(norms[0] as number);
    expect(norms[2]).toBeLessThan((norms[1] as number) / 10);
  });

  it('reports no convergence when maxIterations runs out', async () => {
    const { x, y } = logitData(
      300,
      [
        [0, 0],
        [3, 1],
      ],
      [0, 0],
      5,
    );
    const result = await trainLogisticRegression(x, y, 2, { maxIterations: 2, tolerance: 0 });
    expect(result).toMatchObject({ iterations: 2, converged: false });
  });

  it('gives identical weights for identical data', async () => {
    const { x, y } = logitData(
      1000,
      [
        [0, 0],
        [1, -1],
        [-1, 1],
      ],
      [0, 0, 0],
      6,
    );
    const one = await trainLogisticRegression(x, y, 3);
    const two = await trainLogisticRegression(x, y, 3);
    expect(JSON.stringify(two.estimator)).toBe(JSON.stringify(one.estimator));
  });

  it('rejects with the abort reason promptly', async () => {
    const { x, y } = logitData(
      200_000,
      [
        [0, 0, 0, 0],
        [1, -1, 0.5, 0.2],
        [-1, 1, 0, 0.3],
      ],
      [0, 0, 0],
      7,
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 20);
    const started = performance.now();
    await expect(
      trainLogisticRegression(x, y, 3, { signal: controller.signal, tolerance: 0, maxIterations: 10_000 }),
    ).rejects.toThrow('cancelled');
    expect(performance.now() - started).toBeLessThan(400);
  });

  it('rejects labels outside the classes and too few classes', async () => {
    const x = { rows: 2, cols: 1, data: Float64Array.of(0, 1) };
    await expect(trainLogisticRegression(x, Int32Array.of(0, 2), 2)).rejects.toThrow(RangeError);
    await expect(trainLogisticRegression(x, Int32Array.of(0, 0), 1)).rejects.toThrow(RangeError);
    await expect(trainLogisticRegression(x, Int32Array.of(0), 2)).rejects.toThrow(RangeError);
    await expect(trainLogisticRegression(x, Int32Array.of(0, 1), 2, { regularization: -1 })).rejects.toThrow(
      RangeError,
    );
  });
});
