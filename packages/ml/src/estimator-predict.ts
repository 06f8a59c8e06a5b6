import type { FeatureMatrix } from './feature-matrix.ts';
import type { Estimator, ForestEstimator, LinearEstimator, MlpEstimator } from './model-format.ts';

/**
 * Runs an estimator on preprocessed features. Returns rows × outputs, row-major: class probabilities
 * for classifiers (binary models give two columns, [1 − p, p]), one predicted value per row for
 * regressors. `outputs` is the number of classes, or 1 for regression.
 */
export function predictEstimator(estimator: Estimator, x: FeatureMatrix, outputs: number): Float64Array {
  switch (estimator.kind) {
    case 'linear':
      return predictLinear(estimator, x);
    case 'mlp':
      return predictMlp(estimator, x);
    case 'forest':
      return predictForest(estimator, x, outputs);
  }
}

export function predictLinear(estimator: LinearEstimator, x: FeatureMatrix): Float64Array {
  const { weights, intercepts, link } = estimator;
  const units = weights.length;
  const z = new Float64Array(x.rows * units);
  for (let r = 0; r < x.rows; r++) {
    const offset = r * x.cols;
    for (let u = 0; u < units; u++) {
      const w = weights[u] as number[];
      let sum = intercepts[u] as number;
      for (let c = 0; c < x.cols; c++) sum += (w[c] as number) * (x.data[offset + c] as number);
      z[r * units + u] = sum;
    }
  }
  return applyOutput(z, x.rows, units, link === 'identity' ? 'identity' : link);
}

export function predictMlp(estimator: MlpEstimator, x: FeatureMatrix): Float64Array {
  let current = x.data;
  let width = x.cols;
  const { layers } = estimator;
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l] as MlpEstimator['layers'][number];
    const units = layer.weights.length;
    const next = new Float64Array(x.rows * units);
    const last = l === layers.length - 1;
    for (let r = 0; r < x.rows; r++) {
      const offset = r * width;
      for (let u = 0; u < units; u++) {
        const w = layer.weights[u] as number[];
        let sum = layer.biases[u] as number;
        for (let c = 0; c < width; c++) sum += (w[c] as number) * (current[offset + c] as number);
        next[r * units + u] = last ? sum : activate(estimator.activation, sum);
      }
    }
    current = next;
    width = units;
  }
  return applyOutput(current, x.rows, width, estimator.output);
}

/** Averages the trees' leaf values; comparisons in float32, as onnxruntime's TreeEnsemble operators make them. */
export function predictForest(estimator: ForestEstimator, x: FeatureMatrix, outputs: number): Float64Array {
  const result = new Float64Array(x.rows * outputs);
  const treeCount = estimator.trees.length;
  for (let r = 0; r < x.rows; r++) {
    const offset = r * x.cols;
    for (const tree of estimator.trees) {
      let node = 0;
      while ((tree.feature[node] as number) >= 0) {
        const value = Math.fround(x.data[offset + (tree.feature[node] as number)] as number);
        node = value <= (tree.threshold[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
      }
      const leaf = tree.value[node] as number[];
      for (let o = 0; o < outputs; o++)
        result[r * outputs + o] = (result[r * outputs + o] as number) + (leaf[o] as number);
    }
    for (let o = 0; o < outputs; o++) result[r * outputs + o] = (result[r * outputs + o] as number) / treeCount;
  }
  return result;
}

function activate(kind: MlpEstimator['activation'], z: number): number {
  switch (kind) {
    case 'relu':
      return Math.max(z, 0);
    case 'tanh':
      return Math.tanh(z);
    case 'logistic':
      return sigmoid(z);
  }
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Turns raw outputs into predictions: probabilities for `softmax`/`logistic` (binary → two columns), values for `identity`. */
function applyOutput(
  z: Float64Array,
  rows: number,
  units: number,
  output: 'identity' | 'logistic' | 'softmax',
): Float64Array {
  if (output === 'identity') return z;
  if (output === 'logistic') {
    const probabilities = new Float64Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      const p = sigmoid(z[r] as number);
      probabilities[r * 2] = 1 - p;
      probabilities[r * 2 + 1] = p;
    }
    return probabilities;
  }
  for (let r = 0; r < rows; r++) {
    const offset = r * units;
    let max = -Infinity;
    for (let u = 0; u < units; u++) max = Math.max(max, z[offset + u] as number);
    let sum = 0;
    for (let u = 0; u < units; u++) {
      const e = Math.exp((z[offset + u] as number) - max);
      z[offset + u] = e;
      sum += e;
    }
    for (let u = 0; u < units; u++) z[offset + u] = (z[offset + u] as number) / sum;
  }
  return z;
}
