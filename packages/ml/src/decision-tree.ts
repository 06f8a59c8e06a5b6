import type { DecisionTree } from './model-format.ts';
import type { Rng } from './rng.ts';
import type { Pacer } from './training-loop.ts';

/** What a tree learns: class indices in `[0, classCount)`, or numbers. */
export type TreeTarget =
  | { kind: 'classification'; y: Int32Array; classCount: number }
  | { kind: 'regression'; y: Float64Array };

/**
 * Training data shared by every tree of a forest. Features are rounded to float32 once, so that the
 * values a split is chosen on are exactly those `predictForest` compares, and presorted once per
 * feature (row indices by value, ties by row) so that no node ever sorts.
 */
export interface TreeTrainingSet {
  rows: number;
  /** One per feature: the feature's values, rounded to float32. */
  x: Float32Array[];
  /** One per feature: row indices in ascending order of value. */
  sorted: Int32Array[];
  target: TreeTarget;
}

/** Resolved growth limits of one tree. */
export interface TreeLimits {
  /** Deepest level a node may sit at (the root is depth 0); 0 means no limit. */
  maxDepth: number;
  /** Fewest distinct training rows a leaf may hold (a bootstrap duplicate does not count twice). */
  minSamplesLeaf: number;
  /** Features drawn at each node, at least 1 and at most the feature count. */
  maxFeatures: number;
}

/** Rounds the features to float32 and presorts them; `columns` must all have `target.y.length` rows. */
export function prepareTrainingSet(columns: readonly Float64Array[], target: TreeTarget): TreeTrainingSet {
  const rows = target.y.length;
  const x: Float32Array[] = [];
  const sorted: Int32Array[] = [];
  for (let f = 0; f < columns.length; f++) {
    const column = columns[f] as Float64Array;
    if (column.length !== rows) throw new RangeError(`feature ${f} has ${column.length} rows, expected ${rows}`);
    const values = Float32Array.from(column);
    const order = new Int32Array(rows);
    for (let r = 0; r < rows; r++) order[r] = r;
    // Values compared in float32: two inputs that differ only beyond float32 precision are one value.
    order.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
    x.push(values);
    sorted.push(order);
  }
  return { rows, x, sorted, target };
}

/**
 * Makes a function that grows one tree from `weights` (how many times each row is in the tree's
 * sample; 0 leaves it out) with splits drawn from `rng`. The grower reuses its buffers between calls.
 *
 * Splits minimise weighted Gini impurity (classification) or variance (regression). Each node keeps,
 * per feature, its rows in ascending order of value, as a slice of one buffer: a split partitions
 * every feature's slice stably, so children stay sorted without sorting, at O(rows × features) per level.
 */
export function createTreeGrower(
  set: TreeTrainingSet,
  limits: TreeLimits,
): (weights: Int32Array, rng: Rng, pacer?: Pacer) => Promise<DecisionTree> {
  const { rows, x, sorted, target } = set;
  const featureCount = x.length;
  const classCount = target.kind === 'classification' ? target.classCount : 1;
  const classY = target.kind === 'classification' ? target.y : new Int32Array(0);
  const valueY = target.kind === 'regression' ? target.y : new Float64Array(0);
  // Centring keeps the squared sums of the variance criterion small, so fewer digits are lost.
  const centredY = target.kind === 'regression' ? centre(target.y) : new Float64Array(0);

  // order[f * inBag + i]: within each node's [start, end), rows in ascending order of feature f.
  const order = new Int32Array(featureCount * rows);
  const spare = new Int32Array(rows);
  const goesLeft = new Uint8Array(rows);
  const featurePool = new Int32Array(featureCount);
  const nodeCounts = new Float64Array(classCount);
  const leftCounts = new Float64Array(classCount);
  const rightCounts = new Float64Array(classCount);
  const stack: number[] = [];

  // The tree being grown and its sample: set by each call, read by the node-growing functions below,
  // which live in this plain closure (not inside the async function) so V8 optimises them as before.
  let weights: Int32Array = new Int32Array(0);
  let rng: Rng = undefined as unknown as Rng;
  let inBag = 0;
  let tree: DecisionTree = { feature: [], threshold: [], left: [], right: [], value: [] };

  return async (treeWeights, treeRng, pacer) => {
    weights = treeWeights;
    rng = treeRng;
    inBag = 0;
    for (let r = 0; r < rows; r++) if ((weights[r] as number) > 0) inBag++;
    if (inBag === 0) throw new RangeError('a tree needs at least one row with a positive weight');
    for (let f = 0; f < featureCount; f++) {
      const from = sorted[f] as Int32Array;
      let at = f * inBag;
      for (let i = 0; i < rows; i++) {
        const row = from[i] as number;
        if ((weights[row] as number) > 0) order[at++] = row;
      }
    }
    for (let f = 0; f < featureCount; f++) featurePool[f] = f;

    tree = { feature: [], threshold: [], left: [], right: [], value: [] };
    // Entries of five numbers: start, end, depth, parent (-1 for the root), 1 when the left child.
    stack.length = 0;
    stack.push(0, inBag, 0, -1, 0);
    // A deep tree on a million rows takes seconds: between batches of nodes, timers, heartbeats and an
    // abort get through. The nodes themselves grow in a plain function, which V8 optimises better.
    while (stack.length > 0) {
      growNodes(64);
      if (pacer?.due()) await pacer.pause();
    }
    return tree;
  };

  /** Grows up to `budget` nodes from the stack. */
  function growNodes(budget: number): void {
    for (let grown = 0; grown < budget && stack.length > 0; grown++) {
      const isLeft = stack.pop() as number;
      const parent = stack.pop() as number;
      const depth = stack.pop() as number;
      const end = stack.pop() as number;
      const start = stack.pop() as number;
      // Preorder numbering: a node's id is the count of nodes created before it.
      const node = tree.feature.length;
      if (parent >= 0) {
        if (isLeft === 1) tree.left[parent] = node;
        else tree.right[parent] = node;
      }
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);

      const { value, pure, totalWeight, totalSum } = nodeStats(start, end);
      const count = end - start;
      const mayGrow =
        !pure && count >= 2 && count >= 2 * limits.minSamplesLeaf && (limits.maxDepth === 0 || depth < limits.maxDepth);
      const split = mayGrow ? bestSplit(start, end, totalWeight, totalSum, rng) : undefined;
      if (split === undefined) {
        tree.value.push(value);
        continue;
      }
      tree.feature[node] = split.feature;
      tree.threshold[node] = split.threshold;
      // Internal nodes carry no value: predictions only read leaves, and it keeps model files small.
      tree.value.push([]);
      partition(start, end, split.feature, split.leftEnd);
      stack.push(split.leftEnd, end, depth + 1, node, 0);
      stack.push(start, split.leftEnd, depth + 1, node, 1);
    }
  }

  /**
   * The node's leaf value, whether all its rows share one target, its total weight and (regression)
   * its weighted sum of centred targets; classification leaves its class weights in `nodeCounts`.
   */
  function nodeStats(
    start: number,
    end: number,
  ): { value: number[]; pure: boolean; totalWeight: number; totalSum: number } {
    // Every feature's slice holds the node's rows; without features, rows sit in order.
    const rowAt = (i: number): number => (featureCount > 0 ? (order[i] as number) : i);
    let totalWeight = 0;
    if (target.kind === 'classification') {
      nodeCounts.fill(0);
      for (let i = start; i < end; i++) {
        const row = rowAt(i);
        const w = weights[row] as number;
        const c = classY[row] as number;
        nodeCounts[c] = (nodeCounts[c] as number) + w;
        totalWeight += w;
      }
      let pure = false;
      const value: number[] = [];
      for (let c = 0; c < classCount; c++) {
        const n = nodeCounts[c] as number;
        if (n === totalWeight) pure = true;
        value.push(n / totalWeight);
      }
      return { value, pure, totalWeight, totalSum: 0 };
    }
    let sum = 0;
    let totalSum = 0;
    const first = valueY[rowAt(start)] as number;
    let pure = true;
    for (let i = start; i < end; i++) {
      const row = rowAt(i);
      const w = weights[row] as number;
      const y = valueY[row] as number;
      sum += w * y;
      totalSum += w * (centredY[row] as number);
      totalWeight += w;
      if (y !== first) pure = false;
    }
    return { value: [pure ? first : sum / totalWeight], pure, totalWeight, totalSum };
  }

  function bestSplit(
    start: number,
    end: number,
    totalWeight: number,
    totalSum: number,
    rng: Rng,
  ): { feature: number; threshold: number; leftEnd: number } | undefined {
    const minLeaf = limits.minSamplesLeaf;
    let bestProxy = -Infinity;
    let bestFeature = -1;
    let bestPosition = -1;
    let totalSquares = 0;
    if (target.kind === 'classification')
      for (let c = 0; c < classCount; c++) totalSquares += (nodeCounts[c] as number) ** 2;

    // Like scikit-learn, features constant within the node do not count towards maxFeatures.
    let visited = 0;
    for (let k = 0; k < featureCount && visited < limits.maxFeatures; k++) {
      const pick = k + rng.int(featureCount - k);
      const feature = featurePool[pick] as number;
      featurePool[pick] = featurePool[k] as number;
      featurePool[k] = feature;
      const values = x[feature] as Float32Array;
      const base = feature * inBag;
      if (values[order[base + start] as number] === values[order[base + end - 1] as number]) continue;
      visited++;

      let leftWeight = 0;
      let rightWeight = totalWeight;
      let leftSquares = 0;
      let rightSquares = totalSquares;
      let leftSum = 0;
      if (target.kind === 'classification') {
        leftCounts.fill(0);
        rightCounts.set(nodeCounts);
      }
      // The right child keeps at least minLeaf rows.
      const last = end - minLeaf;
      let value = values[order[base + start] as number] as number;
      for (let i = start; i < last; i++) {
        const row = order[base + i] as number;
        const w = weights[row] as number;
        leftWeight += w;
        rightWeight -= w;
        if (target.kind === 'classification') {
          // Integer weights keep these sums of squared counts exact.
          const c = classY[row] as number;
          const l = leftCounts[c] as number;
          const r = rightCounts[c] as number;
          leftSquares += w * (2 * l + w);
          rightSquares -= w * (2 * r - w);
          leftCounts[c] = l + w;
          rightCounts[c] = r - w;
        } else {
          leftSum += w * (centredY[row] as number);
        }
        const next = values[order[base + i + 1] as number] as number;
        if (next === value || i + 1 - start < minLeaf) {
          value = next;
          continue;
        }
        value = next;
        // Maximising this proxy minimises the children's weighted impurity (the parent's is fixed).
        let proxy: number;
        if (target.kind === 'classification') proxy = leftSquares / leftWeight + rightSquares / rightWeight;
        else {
          const rightSum = totalSum - leftSum;
          proxy = (leftSum * leftSum) / leftWeight + (rightSum * rightSum) / rightWeight;
        }
        if (proxy > bestProxy) {
          bestProxy = proxy;
          bestFeature = feature;
          bestPosition = i;
        }
      }
    }
    if (bestFeature < 0) return undefined;
    const base = bestFeature * inBag;
    const values = x[bestFeature] as Float32Array;
    const below = values[order[base + bestPosition] as number] as number;
    const above = values[order[base + bestPosition + 1] as number] as number;
    return { feature: bestFeature, threshold: float32Threshold(below, above), leftEnd: bestPosition + 1 };
  }

  /** Splits every feature's slice of [start, end) stably into the rows of [start, leftEnd) of `feature`, then the rest. */
  function partition(start: number, end: number, feature: number, leftEnd: number): void {
    const chosen = feature * inBag;
    for (let i = start; i < end; i++) goesLeft[order[chosen + i] as number] = i < leftEnd ? 1 : 0;
    for (let f = 0; f < featureCount; f++) {
      if (f === feature) continue;
      const base = f * inBag;
      // A feature constant here stays constant below, so its slices are only ever read for that
      // constant value: any rows of this node will do. Feature 0's slice also lists the node's rows.
      const values = x[f] as Float32Array;
      if (f !== 0 && values[order[base + start] as number] === values[order[base + end - 1] as number]) continue;
      let kept = base + start;
      let moved = 0;
      for (let i = base + start; i < base + end; i++) {
        const row = order[i] as number;
        if (goesLeft[row] === 1) order[kept++] = row;
        else spare[moved++] = row;
      }
      order.set(spare.subarray(0, moved), kept);
    }
  }
}

/**
 * The stored threshold between two consecutive distinct float32 values `below < above`: their midpoint
 * rounded to float32, or `below` when rounding lands on `above`. Either way `fround(v) <= t` holds for
 * exactly the values up to `below`, so prediction follows the partition the tree was trained on.
 */
export function float32Threshold(below: number, above: number): number {
  const threshold = Math.fround(below / 2 + above / 2);
  return threshold >= above || threshold < below ? below : threshold;
}

function centre(y: Float64Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i] as number;
  const mean = y.length === 0 ? 0 : sum / y.length;
  const centred = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) centred[i] = (y[i] as number) - mean;
  return centred;
}
