import { createTreeGrower, prepareTrainingSet, type TreeTarget } from './decision-tree.ts';
import type { DecisionTree, ForestEstimator } from './model-format.ts';
import { regressionMetrics } from './regression-metrics.ts';
import { createRng } from './rng.ts';
import { createPacer } from './training-loop.ts';

/** Options of {@link trainRandomForest}; the defaults follow scikit-learn's `RandomForest*` where they can. */
export interface RandomForestOptions {
  /** Number of trees. @default 100 */
  trees?: number;
  /** Deepest level a node may sit at (the root is depth 0); 0 means unlimited. @default 16 */
  maxDepth?: number;
  /**
   * Fewest training rows a leaf may hold. With bootstrap, as in scikit-learn, a row drawn several times
   * counts once. @default 1
   */
  minSamplesLeaf?: number;
  /**
   * Features drawn at each node: `sqrt` and `log2` of the feature count (rounded down, at least 1) or
   * `all`. Features constant within a node are drawn but do not count.
   * @default 'sqrt' for classification, 'all' for regression
   */
  maxFeatures?: 'sqrt' | 'log2' | 'all';
  /** Whether each tree learns from a bootstrap sample (rows drawn with replacement) of the rows. @default true */
  bootstrap?: boolean;
  /** Seed of every random choice: same seed and data give an identical forest. @default 0 */
  seed?: number;
  /** Aborts training between trees; the promise then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Called after each tree with the number of trees done so far and the total. */
  onTree?(done: number, total: number): void;
}

/** The target of {@link trainRandomForest}: class indices in `[0, classCount)`, or numbers. */
export type RandomForestTarget = TreeTarget;

export interface RandomForestResult {
  estimator: ForestEstimator;
  /**
   * With bootstrap: accuracy (classification) or R² (regression) on each row predicted by the trees that
   * did not see it, over the rows that at least one tree left out. Absent without bootstrap, or when
   * every tree saw every row.
   */
  outOfBagScore?: number;
}

/**
 * Trains a random forest of CART trees: Gini impurity for classification, variance for regression, split
 * thresholds compared in float32 as {@link ForestEstimator} requires. Each tree draws from its own
 * generator, forked from `createRng(seed)` in tree order, so a seed gives the same forest on every machine.
 * Checks `signal` and yields to the event loop every 25 ms of work, inside trees as well as between them.
 *
 * @param columns one array per feature, each with one value per row, without NaN.
 * @example
 * const { estimator, outOfBagScore } = await trainRandomForest([sepalLength, petalWidth], {
 *   kind: 'classification', y: species, classCount: 3,
 * }, { trees: 50, seed: 7 });
 * const probabilities = predictForest(estimator, matrixFromColumns([sepalLength, petalWidth]), 3);
 */
export async function trainRandomForest(
  columns: readonly Float64Array[],
  target: RandomForestTarget,
  options: RandomForestOptions = {},
): Promise<RandomForestResult> {
  const treeCount = options.trees ?? 100;
  const maxDepth = options.maxDepth ?? 16;
  const minSamplesLeaf = options.minSamplesLeaf ?? 1;
  const bootstrap = options.bootstrap ?? true;
  const rows = target.y.length;
  requireInteger('trees', treeCount, 1);
  requireInteger('maxDepth', maxDepth, 0);
  requireInteger('minSamplesLeaf', minSamplesLeaf, 1);
  if (rows === 0) throw new RangeError('cannot train a random forest on no rows');
  if (target.kind === 'classification') {
    requireInteger('classCount', target.classCount, 1);
    for (let r = 0; r < rows; r++) {
      const c = target.y[r] as number;
      if (c < 0 || c >= target.classCount)
        throw new RangeError(`row ${r} has class ${c}, outside [0, ${target.classCount})`);
    }
  }
  options.signal?.throwIfAborted();

  const featureCount = columns.length;
  const maxFeatures = resolveMaxFeatures(
    options.maxFeatures ?? (target.kind === 'classification' ? 'sqrt' : 'all'),
    featureCount,
  );
  const set = prepareTrainingSet(columns, target);
  const grow = createTreeGrower(set, { maxDepth, minSamplesLeaf, maxFeatures });
  const outputs = target.kind === 'classification' ? target.classCount : 1;
  const outOfBag = bootstrap ? { sums: new Float64Array(rows * outputs), counts: new Int32Array(rows) } : undefined;
  const weights = new Int32Array(rows);
  const rng = createRng(options.seed ?? 0);
  const trees: DecisionTree[] = [];
  const pacer = createPacer(options.signal);
  for (let t = 0; t < treeCount; t++) {
    const treeRng = rng.fork();
    if (bootstrap) {
      weights.fill(0);
      for (let i = 0; i < rows; i++) {
        const row = treeRng.int(rows);
        weights[row] = (weights[row] as number) + 1;
      }
    } else weights.fill(1);
    const tree = await grow(weights, treeRng, pacer);
    trees.push(tree);
    if (outOfBag !== undefined) accumulateOutOfBag(tree, set.x, weights, outputs, outOfBag);
    options.onTree?.(t + 1, treeCount);
    // Not after every tree: a timer waits at least 1 ms (4 ms in browsers), longer than a small tree takes.
    if (pacer.due()) await pacer.pause();
  }
  const estimator: ForestEstimator = { kind: 'forest', trees };
  const score = outOfBag === undefined ? undefined : outOfBagScore(target, outputs, outOfBag);
  return score === undefined ? { estimator } : { estimator, outOfBagScore: score };
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
}

function resolveMaxFeatures(kind: 'sqrt' | 'log2' | 'all', featureCount: number): number {
  switch (kind) {
    case 'sqrt':
      return Math.max(1, Math.floor(Math.sqrt(featureCount)));
    case 'log2':
      return Math.max(1, Math.floor(Math.log2(featureCount)));
    case 'all':
      return Math.max(1, featureCount);
  }
}

/** Adds the tree's prediction to every row it did not train on (weight 0). */
function accumulateOutOfBag(
  tree: DecisionTree,
  x: readonly Float32Array[],
  weights: Int32Array,
  outputs: number,
  outOfBag: { sums: Float64Array; counts: Int32Array },
): void {
  for (let r = 0; r < weights.length; r++) {
    if ((weights[r] as number) > 0) continue;
    let node = 0;
    // Same walk as predictForest; the features are float32 already.
    while ((tree.feature[node] as number) >= 0) {
      const value = (x[tree.feature[node] as number] as Float32Array)[r] as number;
      node = value <= (tree.threshold[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
    }
    const leaf = tree.value[node] as number[];
    for (let o = 0; o < outputs; o++)
      outOfBag.sums[r * outputs + o] = (outOfBag.sums[r * outputs + o] as number) + (leaf[o] as number);
    outOfBag.counts[r] = (outOfBag.counts[r] as number) + 1;
  }
}

function outOfBagScore(
  target: RandomForestTarget,
  outputs: number,
  outOfBag: { sums: Float64Array; counts: Int32Array },
): number | undefined {
  const predicted: number[] = [];
  const actual: number[] = [];
  for (let r = 0; r < outOfBag.counts.length; r++) {
    const count = outOfBag.counts[r] as number;
    if (count === 0) continue;
    if (target.kind === 'classification') {
      // Summed probabilities have the same argmax as averaged ones (first maximum on ties).
      let best = 0;
      for (let o = 1; o < outputs; o++)
        if ((outOfBag.sums[r * outputs + o] as number) > (outOfBag.sums[r * outputs + best] as number)) best = o;
      predicted.push(best);
      actual.push(target.y[r] as number);
    } else {
      predicted.push((outOfBag.sums[r] as number) / count);
      actual.push(target.y[r] as number);
    }
  }
  if (predicted.length === 0) return undefined;
  if (target.kind === 'regression')
    return regressionMetrics(Float64Array.from(actual), Float64Array.from(predicted)).r2;
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) correct++;
  return correct / predicted.length;
}
