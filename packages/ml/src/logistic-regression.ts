import { accumulateGradient, denseForward } from './dense-layer.ts';
import type { FeatureMatrix } from './feature-matrix.ts';
import { minimizeLbfgs, type Objective } from './lbfgs.ts';
import type { LinearEstimator } from './model-format.ts';
import type { TrainingHooks } from './training-loop.ts';

/** Options of {@link trainLogisticRegression}. */
export interface LogisticRegressionOptions extends TrainingHooks {
  /** L2 strength λ on the weights (not the intercepts): scikit-learn's `1 / C`. @default 1 */
  regularization?: number;
  /** Most L-BFGS iterations, as scikit-learn's `max_iter`. @default 200 */
  maxIterations?: number;
  /**
   * Converged when an iteration lowers the objective / rows by no more than `tolerance` × max(1, its
   * value), or when no component of its gradient exceeds `tolerance`. The default is about as tight as
   * scikit-learn's L-BFGS stop (SciPy's `ftol` 2.2e-9 relative to the summed objective). @default 1e-9
   */
  tolerance?: number;
}

export interface LogisticRegressionResult {
  /** `logistic` with one row (p(class 1)) for two classes, else `softmax` with one row per class. */
  estimator: LinearEstimator;
  iterations: number;
  /** False when `maxIterations` ran out or the line search could make no more progress. */
  converged: boolean;
  /** Objective / rows after each iteration. */
  lossCurve: number[];
}

/**
 * Fits L2-regularised logistic regression by minimising exactly scikit-learn's `lbfgs` objective,
 * Σᵢ log-loss + (λ/2)·‖W‖², with L-BFGS from zero weights: binomial for two classes, multinomial
 * (softmax) for more. Rows × features work per evaluation, in one pass over the row-major data.
 *
 * @param y - class index of each row, 0 ≤ y < classCount.
 * @example
 * const { estimator } = await trainLogisticRegression(x, y, 3, { regularization: 0.1 });
 * const probabilities = predictLinear(estimator, x); // rows × 3
 */
export async function trainLogisticRegression(
  x: FeatureMatrix,
  y: Int32Array,
  classCount: number,
  options: LogisticRegressionOptions = {},
): Promise<LogisticRegressionResult> {
  const regularization = options.regularization ?? 1;
  const tolerance = options.tolerance ?? 1e-9;
  if (!(Number.isInteger(classCount) && classCount >= 2)) throw new RangeError('classCount must be an integer ≥ 2');
  if (!(regularization >= 0 && Number.isFinite(regularization)))
    throw new RangeError('regularization must be a finite number ≥ 0');
  if (!(tolerance >= 0)) throw new RangeError('tolerance must be ≥ 0');
  checkLabels(x, y, classCount);

  const objective = logisticObjective(x, y, classCount, regularization);
  const outputs = classCount === 2 ? 1 : classCount;
  const lossCurve: number[] = [];
  const result = await minimizeLbfgs(objective, new Float64Array(outputs * (x.cols + 1)), {
    maxIterations: options.maxIterations ?? 200,
    // Dividing the objective by the row count leaves L-BFGS's iterates unchanged but makes the
    // tolerance mean the same for 100 rows as for a million.
    gradientTolerance: tolerance,
    functionTolerance: tolerance,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onIteration: (iteration, value) => {
      lossCurve.push(value);
      options.onIteration?.(iteration, value);
    },
  });
  const weights: number[][] = [];
  const intercepts: number[] = [];
  for (let k = 0; k < outputs; k++) {
    weights.push(Array.from(result.x.subarray(k * x.cols, (k + 1) * x.cols)));
    intercepts.push(result.x[outputs * x.cols + k] as number);
  }
  return {
    estimator: { kind: 'linear', link: outputs === 1 ? 'logistic' : 'softmax', weights, intercepts },
    iterations: result.iterations,
    converged: result.converged,
    lossCurve,
  };
}

/**
 * The objective {@link trainLogisticRegression} minimises, divided by the row count, over parameters laid
 * out as the weights [outputs][cols] row-major, then the intercepts (one output for two classes).
 */
export function logisticObjective(
  x: FeatureMatrix,
  y: Int32Array,
  classCount: number,
  regularization: number,
): Objective {
  const { rows, cols, data } = x;
  const outputs = classCount === 2 ? 1 : classCount;
  const biases = outputs * cols;
  // Rows go through in blocks, with the MLP's blocked kernels: scores, then residuals in place.
  const block = Math.min(BLOCK_ROWS, rows);
  const scores = new Float64Array(block * outputs);
  return (w, gradient) => {
    gradient.fill(0);
    let loss = 0;
    for (let start = 0; start < rows; start += block) {
      const count = Math.min(block, rows - start);
      const a = data.subarray(start * cols, (start + count) * cols);
      denseForward(w, 0, biases, a, scores, count, cols, outputs);
      loss +=
        outputs === 1 ? binaryResiduals(scores, y, start, count) : softmaxResiduals(scores, y, start, count, outputs);
      accumulateGradient(gradient, 0, biases, scores, a, count, cols, outputs);
    }
    let penalty = 0;
    for (let i = 0; i < biases; i++) {
      const wi = w[i] as number;
      penalty += wi * wi;
      gradient[i] = ((gradient[i] as number) + regularization * wi) / rows;
    }
    for (let i = biases; i < gradient.length; i++) gradient[i] = (gradient[i] as number) / rows;
    return (loss + 0.5 * regularization * penalty) / rows;
  };
}

const BLOCK_ROWS = 256;

/** Replaces each score z by σ(z) − y; returns Σ log(1 + eᶻ) − y·z, from one exponential that cannot overflow. */
function binaryResiduals(scores: Float64Array, y: Int32Array, start: number, count: number): number {
  let loss = 0;
  for (let r = 0; r < count; r++) {
    const z = scores[r] as number;
    const label = y[start + r] as number;
    let p: number;
    if (z >= 0) {
      const e = Math.exp(-z);
      loss += z * (1 - label) + Math.log1p(e);
      p = 1 / (1 + e);
    } else {
      const e = Math.exp(z);
      loss += Math.log1p(e) - label * z;
      p = e / (1 + e);
    }
    scores[r] = p - label;
  }
  return loss;
}

/** Replaces each row of scores by softmax − one-hot(y); returns Σ logsumexp(z) − z_y. */
function softmaxResiduals(scores: Float64Array, y: Int32Array, start: number, count: number, classes: number): number {
  let loss = 0;
  for (let r = 0; r < count; r++) {
    const o = r * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < classes; k++) max = Math.max(max, scores[o + k] as number);
    const label = y[start + r] as number;
    const labelScore = scores[o + label] as number;
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const e = Math.exp((scores[o + k] as number) - max);
      scores[o + k] = e;
      sum += e;
    }
    loss += max + Math.log(sum) - labelScore;
    for (let k = 0; k < classes; k++) scores[o + k] = (scores[o + k] as number) / sum;
    scores[o + label] = (scores[o + label] as number) - 1;
  }
  return loss;
}

function checkLabels(x: FeatureMatrix, y: Int32Array, classCount: number): void {
  if (x.rows === 0) throw new RangeError('no training rows');
  if (y.length !== x.rows) throw new RangeError(`${y.length} labels for ${x.rows} rows`);
  for (let r = 0; r < y.length; r++) {
    const label = y[r] as number;
    if (label < 0 || label >= classCount) throw new RangeError(`row ${r}: class ${label} outside 0..${classCount - 1}`);
  }
}
