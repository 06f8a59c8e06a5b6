import { describe, expect, it } from 'vitest';
import { predictMlp } from './estimator-predict.ts';
import { type FeatureMatrix, selectRows } from './feature-matrix.ts';
import { Network, trainMlp } from './mlp.ts';
import type { MlpEstimator } from './model-format.ts';
import { createRng } from './rng.ts';
import { splitRows } from './training-loop.ts';

function spiral(perClass: number, classes: number, seed: number) {
  const rng = createRng(seed);
  const rows = perClass * classes;
  const data = new Float64Array(rows * 2);
  const y = new Int32Array(rows);
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      const r = k * perClass + i;
      const t = i / perClass;
      const angle = (2 * Math.PI * k) / classes + 4 * t + 0.2 * rng.normal();
      data[2 * r] = t * Math.cos(angle);
      data[2 * r + 1] = t * Math.sin(angle);
      y[r] = k;
    }
  }
  return { x: { rows, cols: 2, data } satisfies FeatureMatrix, y };
}

/** Points in the four quadrants, labelled 1 where the signs of the coordinates agree. */
function xor(rows: number, seed: number) {
  const rng = createRng(seed);
  const data = Float64Array.from({ length: rows * 2 }, () => 2 * rng.next() - 1);
  const y = Int32Array.from({ length: rows }, (_, r) =>
    (data[2 * r] as number) * (data[2 * r + 1] as number) > 0 ? 1 : 0,
  );
  return { x: { rows, cols: 2, data } satisfies FeatureMatrix, y };
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

function logLoss(estimator: MlpEstimator, x: FeatureMatrix, y: Int32Array, classes: number): number {
  const probabilities = predictMlp(estimator, x);
  let sum = 0;
  for (let r = 0; r < y.length; r++) sum -= Math.log(probabilities[r * classes + (y[r] as number)] as number);
  return sum / y.length;
}

describe('Network', () => {
  it.each([
    ['logistic', 'relu', 2],
    ['softmax', 'tanh', 3],
    ['identity', 'logistic', 1],
  ] as const)(
    'backpropagates the gradient that central differences give (%s output, %s units)',
    (output, activation, classes) => {
      const rng = createRng(classes);
      const rows = 9;
      const units = output === 'softmax' ? classes : 1;
      const net = new Network([4, 6, 5, units], activation, output);
      net.initialise(rng);
      const x = { rows, cols: 4, data: Float64Array.from({ length: rows * 4 }, () => rng.normal()) };
      const labels =
        output === 'identity'
          ? Float64Array.from({ length: rows }, () => rng.normal())
          : Int32Array.from({ length: rows }, () => rng.int(classes));
      const order = Int32Array.from({ length: rows }, (_, i) => i);
      const buffers = net.allocate(rows);
      const l2 = 0.3;
      const loss = () => {
        net.gather(x, order, 0, rows, buffers);
        return net.forwardLoss(buffers, rows, labels, order, 0) + net.backward(buffers, rows, l2);
      };
      loss();
      const gradient = Float64Array.from(buffers.gradient);
      for (let i = 0; i < net.parameterCount; i++) {
        const held = net.parameters[i] as number;
        net.parameters[i] = held + 1e-6;
        const plus = loss();
        net.parameters[i] = held - 1e-6;
        const minus = loss();
        net.parameters[i] = held;
        expect(Math.abs((plus - minus) / 2e-6 - (gradient[i] as number))).toBeLessThan(1e-8);
      }
    },
  );

  it('draws Glorot-uniform weights within scikit-learn’s bounds', () => {
    for (const [activation, factor] of [
      ['relu', 6],
      ['logistic', 2],
    ] as const) {
      const net = new Network([30, 50, 1], activation, 'logistic');
      net.initialise(createRng(1));
      const [hidden, out] = net.toEstimator().layers as [MlpEstimator['layers'][0], MlpEstimator['layers'][0]];
      const bound = Math.sqrt(factor / 80);
      const values = [...hidden.weights.flat(), ...hidden.biases];
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.95 * bound);
      expect(Math.max(...out.weights.flat().map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(factor / 51));
    }
  });
});

describe('trainMlp', () => {
  it('learns XOR with one logistic output unit', async () => {
    const { x, y } = xor(400, 1);
    const result = await trainMlp(
      x,
      { kind: 'classification', y, classCount: 2 },
      { hiddenLayers: [16], activation: 'tanh', learningRate: 0.02, epochs: 300, validationFraction: 0 },
    );
    expect(result.estimator.output).toBe('logistic');
    expect(result.estimator.layers.map((layer) => layer.weights.length)).toEqual([16, 1]);
    expect(result.epochs).toBe(300);
    expect(result.stoppedEarly).toBe(false);
    expect(result.validationCurve).toEqual([]);
    expect(accuracy(predictMlp(result.estimator, x), y, 2)).toBeGreaterThan(0.95);
    expect(result.lossCurve.at(-1)).toBeLessThan((result.lossCurve[0] as number) / 3);
  });

  it('learns a three-class spiral with softmax outputs', async () => {
    const train = spiral(150, 3, 2);
    const test = spiral(100, 3, 3);
    const result = await trainMlp(
      train.x,
      { kind: 'classification', y: train.y, classCount: 3 },
      { hiddenLayers: [32, 16], learningRate: 0.02, epochs: 200, validationFraction: 0, seed: 4 },
    );
    expect(result.estimator.output).toBe('softmax');
    expect(result.estimator.activation).toBe('relu');
    expect(accuracy(predictMlp(result.estimator, train.x), train.y, 3)).toBeGreaterThan(0.97);
    expect(accuracy(predictMlp(result.estimator, test.x), test.y, 3)).toBeGreaterThan(0.95);
  });

  it('fits a smooth regression with an identity output', async () => {
    const rng = createRng(5);
    const rows = 400;
    const data = Float64Array.from({ length: rows }, () => 4 * rng.next() - 2);
    const y = data.map((value) => Math.sin(2 * value) + 0.05 * rng.normal());
    const x = { rows, cols: 1, data };
    const result = await trainMlp(
      x,
      { kind: 'regression', y },
      { hiddenLayers: [32], activation: 'tanh', learningRate: 0.01, epochs: 400, validationFraction: 0 },
    );
    expect(result.estimator.output).toBe('identity');
    const predictions = predictMlp(result.estimator, x);
    const mse = predictions.reduce((sum, p, r) => sum + (p - Math.sin(2 * (data[r] as number))) ** 2, 0) / rows;
    expect(mse).toBeLessThan(0.01);
  });

  it('stops early when the validation loss stalls and keeps the best epoch’s weights', async () => {
    // Random labels: the network can only memorise them, so the held-out loss soon rises.
    const rng = createRng(6);
    const rows = 300;
    const x = { rows, cols: 5, data: Float64Array.from({ length: rows * 5 }, () => rng.normal()) };
    const y = Int32Array.from({ length: rows }, () => rng.int(2));
    const seed = 9;
    const result = await trainMlp(
      x,
      { kind: 'classification', y, classCount: 2 },
      { hiddenLayers: [128], learningRate: 0.01, epochs: 500, validationFraction: 0.2, patience: 5, seed },
    );
    expect(result.stoppedEarly).toBe(true);
    expect(result.epochs).toBeLessThan(500);
    expect(result.validationCurve).toHaveLength(result.epochs);
    const best = Math.min(...result.validationCurve);
    expect(result.epochs - 1 - result.validationCurve.indexOf(best)).toBeLessThanOrEqual(5);
    // The held-out rows, drawn as trainMlp draws them: its second fork of the seeded generator.
    const rngs = createRng(seed);
    rngs.fork();
    const { held } = splitRows(rows, 0.2, rngs.fork(), { y, classCount: 2 });
    expect(held.length).toBeGreaterThanOrEqual(60);
    const heldLabels = Int32Array.from(held, (r) => y[r] as number);
    expect(logLoss(result.estimator, selectRows(x, held), heldLabels, 2)).toBeCloseTo(best, 12);
  });

  it('reports every epoch, with the validation loss only when rows are held out', async () => {
    const { x, y } = xor(100, 7);
    const calls: unknown[][] = [];
    const withValidation = await trainMlp(
      x,
      { kind: 'classification', y, classCount: 2 },
      { hiddenLayers: [4], epochs: 3, onIteration: (...args) => calls.push(args) },
    );
    expect(calls).toEqual(withValidation.lossCurve.map((loss, i) => [i + 1, loss, withValidation.validationCurve[i]]));
    calls.length = 0;
    const without = await trainMlp(
      x,
      { kind: 'classification', y, classCount: 2 },
      { hiddenLayers: [4], epochs: 3, validationFraction: 0, onIteration: (...args) => calls.push(args) },
    );
    expect(calls).toEqual(without.lossCurve.map((loss, i) => [i + 1, loss]));
  });

  it('takes Adam’s first step from the seeded initial weights, with scikit-learn’s bias correction', async () => {
    const { x, y } = xor(50, 8);
    const result = await trainMlp(
      x,
      { kind: 'classification', y, classCount: 2 },
      { hiddenLayers: [3], epochs: 1, batchSize: 50, learningRate: 0.05, l2: 0.01, validationFraction: 0, seed: 3 },
    );
    const net = new Network([2, 3, 1], 'relu', 'logistic');
    net.initialise(createRng(3).fork());
    const buffers = net.allocate(50);
    const order = Int32Array.from({ length: 50 }, (_, i) => i);
    net.gather(x, order, 0, 50, buffers);
    net.forwardLoss(buffers, 50, y, order, 0);
    net.backward(buffers, 50, 0.01);
    const expected = net.parameters.map((p, i) => {
      const g = buffers.gradient[i] as number;
      // m̂ = g and v̂ = g², but ε is added before the correction of v, so it acts as ε / √(1 − β₂).
      return p - (0.05 * g) / (Math.abs(g) + 1e-8 / Math.sqrt(1 - 0.999));
    });
    const layers = result.estimator.layers;
    const actual = layers.flatMap((layer) => [...layer.weights.flat(), ...layer.biases]);
    actual.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i] as number, 12);
    });
  });

  it('gives bit-identical weights for the same seed and different ones for another', async () => {
    const { x, y } = spiral(40, 3, 10);
    const target = { kind: 'classification', y, classCount: 3 } as const;
    const options = { hiddenLayers: [8, 8], epochs: 20, batchSize: 16, seed: 42 };
    const one = await trainMlp(x, target, options);
    const two = await trainMlp(x, target, options);
    const other = await trainMlp(x, target, { ...options, seed: 43 });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(JSON.stringify(other.estimator)).not.toBe(JSON.stringify(one.estimator));
  });

  it('rejects with the abort reason promptly', async () => {
    const rng = createRng(11);
    const rows = 20_000;
    const x = { rows, cols: 20, data: Float64Array.from({ length: rows * 20 }, () => rng.next()) };
    const y = Int32Array.from({ length: rows }, () => rng.int(2));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 30);
    const started = performance.now();
    await expect(
      trainMlp(x, { kind: 'classification', y, classCount: 2 }, { signal: controller.signal, epochs: 1000 }),
    ).rejects.toThrow('cancelled');
    expect(performance.now() - started).toBeLessThan(300);
  });

  it('rejects invalid targets and options', async () => {
    const x = { rows: 3, cols: 1, data: Float64Array.of(0, 1, 2) };
    const target = { kind: 'classification', y: Int32Array.of(0, 1, 0), classCount: 2 } as const;
    await expect(trainMlp(x, { ...target, y: Int32Array.of(0, 2, 0) })).rejects.toThrow(RangeError);
    await expect(trainMlp(x, { ...target, classCount: 1 })).rejects.toThrow(RangeError);
    await expect(trainMlp(x, { kind: 'regression', y: Float64Array.of(1, 2) })).rejects.toThrow(RangeError);
    await expect(trainMlp(x, target, { hiddenLayers: [0] })).rejects.toThrow(RangeError);
    await expect(trainMlp(x, target, { validationFraction: 1 })).rejects.toThrow(RangeError);
    await expect(trainMlp(x, target, { learningRate: 0 })).rejects.toThrow(RangeError);
  });
});
