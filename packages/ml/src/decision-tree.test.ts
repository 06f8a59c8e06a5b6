import { describe, expect, it } from 'vitest';
import { createTreeGrower, float32Threshold, prepareTrainingSet } from './decision-tree.ts';
import { predictForest } from './estimator-predict.ts';
import { matrixFromColumns } from './feature-matrix.ts';
import type { DecisionTree } from './model-format.ts';
import { createRng } from './rng.ts';

/** One tree on every row once, drawing every feature at each node. */
function growOne(
  columns: Float64Array[],
  target: Parameters<typeof prepareTrainingSet>[1],
  limits: { maxDepth?: number; minSamplesLeaf?: number } = {},
): Promise<DecisionTree> {
  const set = prepareTrainingSet(columns, target);
  const grow = createTreeGrower(set, {
    maxDepth: limits.maxDepth ?? 0,
    minSamplesLeaf: limits.minSamplesLeaf ?? 1,
    maxFeatures: Math.max(1, columns.length),
  });
  return grow(new Int32Array(set.rows).fill(1), createRng(1));
}

function predictClasses(tree: DecisionTree, columns: Float64Array[], classCount: number): number[] {
  const p = predictForest({ kind: 'forest', trees: [tree] }, matrixFromColumns(columns), classCount);
  const rows = (columns[0] as Float64Array).length;
  return Array.from({ length: rows }, (_, r) => {
    let best = 0;
    for (let c = 1; c < classCount; c++)
      if ((p[r * classCount + c] as number) > (p[r * classCount + best] as number)) best = c;
    return best;
  });
}

function leafOf(tree: DecisionTree, row: readonly number[]): number {
  let node = 0;
  while ((tree.feature[node] as number) >= 0) {
    const value = Math.fround(row[tree.feature[node] as number] as number);
    node = value <= (tree.threshold[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
  }
  return node;
}

function depthOf(tree: DecisionTree, node = 0): number {
  if ((tree.feature[node] as number) < 0) return 0;
  return 1 + Math.max(depthOf(tree, tree.left[node] as number), depthOf(tree, tree.right[node] as number));
}

describe('float32Threshold', () => {
  it('stores the midpoint when float32 can hold it', () => {
    expect(float32Threshold(1, 2)).toBe(1.5);
    expect(float32Threshold(-3, 10)).toBe(3.5);
  });

  it('falls back to the lower value when the midpoint rounds up onto the upper one', () => {
    // Adjacent float32 values whose midpoint rounds (ties to even) up to the upper value.
    const below = 1 + 2 ** -23;
    const above = 1 + 2 ** -22;
    expect(Math.fround(below / 2 + above / 2)).toBe(above);
    expect(float32Threshold(below, above)).toBe(below);
  });

  it('keeps the midpoint when it rounds down onto the lower value', () => {
    expect(float32Threshold(1, 1 + 2 ** -23)).toBe(1);
  });

  it('stores float32 values only', () => {
    const t = float32Threshold(Math.fround(0.1), Math.fround(0.2));
    expect(Math.fround(t)).toBe(t);
    expect(t).toBeGreaterThan(Math.fround(0.1));
    expect(t).toBeLessThan(Math.fround(0.2));
  });

  it('handles infinite values', () => {
    expect(float32Threshold(3, Number.POSITIVE_INFINITY)).toBe(3);
    expect(float32Threshold(Number.NEGATIVE_INFINITY, 3)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('createTreeGrower', () => {
  it('splits exactly between the two groups, in preorder', async () => {
    const tree = await growOne([Float64Array.of(11, 2, 12, 1, 10, 3)], {
      kind: 'classification',
      y: Int32Array.of(1, 0, 1, 0, 1, 0),
      classCount: 2,
    });
    expect(tree).toEqual({
      feature: [0, -1, -1],
      threshold: [6.5, 0, 0],
      left: [1, -1, -1],
      right: [2, -1, -1],
      value: [[], [1, 0], [0, 1]],
    });
  });

  it('picks the feature and threshold that reduce the variance most, with means at the leaves', async () => {
    const tree = await growOne(
      [Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 5, 5, 5)],
      { kind: 'regression', y: Float64Array.of(1, 1, 5, 7) },
      {
        maxDepth: 1,
      },
    );
    expect(tree.feature).toEqual([0, -1, -1]);
    expect(tree.threshold[0]).toBe(2.5);
    expect(tree.value).toEqual([[], [1], [6]]);
  });

  it('cannot split values that are equal in float32', async () => {
    // Distinct doubles that round to the same float32.
    const tree = await growOne([Float64Array.of(1, 1 + 2 ** -30, 2 ** 24, 2 ** 24 + 1)], {
      kind: 'classification',
      y: Int32Array.of(0, 1, 0, 1),
      classCount: 2,
    });
    expect(tree.feature[0]).toBe(0);
    const leaves = [1, 1 + 2 ** -30, 2 ** 24, 2 ** 24 + 1].map((x) => leafOf(tree, [x]));
    expect(leaves[0]).toBe(leaves[1]);
    expect(leaves[2]).toBe(leaves[3]);
    expect(tree.value[leaves[0] as number]).toEqual([0.5, 0.5]);
  });

  it('separates adjacent float32 values whose midpoint rounds up', async () => {
    const below = 1 + 2 ** -23;
    const above = 1 + 2 ** -22;
    const columns = [Float64Array.of(below, above, 0.5, 3)];
    const tree = await growOne(columns, { kind: 'classification', y: Int32Array.of(0, 1, 0, 1), classCount: 2 });
    expect(tree.threshold[0]).toBe(below);
    expect(predictClasses(tree, columns, 2)).toEqual([0, 1, 0, 1]);
  });

  it('predicts its own training rows exactly when fully grown, even where doubles collide in float32', async () => {
    const rng = createRng(5);
    const rows = 2000;
    // Many rows share a float32 value while differing as doubles; the class depends on the float32 value only.
    const classOf = new Map<number, number>();
    const x0 = new Float64Array(rows);
    const x1 = new Float64Array(rows);
    const y = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      x0[r] = 1 + rng.int(300) * 2 ** -24 + rng.next() * 2 ** -27;
      x1[r] = rng.int(4) * 0.1;
      const key = Math.fround(x0[r] as number) * 10 + Math.fround(x1[r] as number);
      if (!classOf.has(key)) classOf.set(key, rng.int(3));
      y[r] = classOf.get(key) as number;
    }
    const tree = await growOne([x0, x1], { kind: 'classification', y, classCount: 3 });
    expect(predictClasses(tree, [x0, x1], 3)).toEqual(Array.from(y));
    for (const t of tree.threshold) expect(Math.fround(t)).toBe(t);
  });

  it('keeps at least minSamplesLeaf rows in every leaf', async () => {
    const rng = createRng(9);
    const rows = 300;
    const x = [new Float64Array(rows), new Float64Array(rows)];
    const y = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      (x[0] as Float64Array)[r] = rng.next();
      (x[1] as Float64Array)[r] = rng.next();
      y[r] = rng.int(2);
    }
    for (const minSamplesLeaf of [1, 7, 40]) {
      const tree = await growOne(x, { kind: 'classification', y, classCount: 2 }, { minSamplesLeaf });
      const counts = new Map<number, number>();
      for (let r = 0; r < rows; r++) {
        const leaf = leafOf(tree, [(x[0] as Float64Array)[r] as number, (x[1] as Float64Array)[r] as number]);
        counts.set(leaf, (counts.get(leaf) ?? 0) + 1);
      }
      expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(minSamplesLeaf);
      if (minSamplesLeaf === 1) expect(Math.min(...counts.values())).toBe(1);
    }
  });

  it('stops at maxDepth and grows until pure without it', async () => {
    const rng = createRng(3);
    const rows = 500;
    const x = new Float64Array(rows);
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      x[r] = rng.next();
      y[r] = rng.normal();
    }
    for (const maxDepth of [1, 3, 6]) {
      const tree = await growOne([x], { kind: 'regression', y }, { maxDepth });
      expect(depthOf(tree)).toBe(maxDepth);
    }
    const full = await growOne([x], { kind: 'regression', y });
    expect(depthOf(full)).toBeGreaterThan(6);
    const p = predictForest({ kind: 'forest', trees: [full] }, matrixFromColumns([x]), 1);
    expect(Array.from(p)).toEqual(Array.from(y));
  });

  it('weights rows by how often the bootstrap drew them', async () => {
    const set = prepareTrainingSet([Float64Array.of(1, 2, 3)], {
      kind: 'classification',
      y: Int32Array.of(0, 1, 1),
      classCount: 2,
    });
    const grow = createTreeGrower(set, { maxDepth: 0, minSamplesLeaf: 2, maxFeatures: 1 });
    // Row 0 drawn three times, row 1 once, row 2 never: one leaf (two distinct rows cannot make two leaves of 2).
    const tree = await grow(Int32Array.of(3, 1, 0), createRng(0));
    expect(tree.value).toEqual([[0.75, 0.25]]);
  });

  it('makes a single leaf without features', async () => {
    const tree = await growOne([], { kind: 'regression', y: Float64Array.of(1, 2, 6) });
    expect(tree).toEqual({ feature: [-1], threshold: [0], left: [-1], right: [-1], value: [[3]] });
  });
});
