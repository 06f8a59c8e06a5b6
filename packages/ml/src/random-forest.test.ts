import { describe, expect, it } from 'vitest';
import { predictForest } from './estimator-predict.ts';
import { matrixFromColumns } from './feature-matrix.ts';
import { trainRandomForest } from './random-forest.ts';
import { createRng } from './rng.ts';

/** Two informative features (class = which side of a diagonal), one noise feature, 10% flipped labels. */
function noisyClasses(rows: number, seed: number): { columns: Float64Array[]; y: Int32Array } {
  const rng = createRng(seed);
  const columns = [new Float64Array(rows), new Float64Array(rows), new Float64Array(rows)];
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = rng.next();
    const b = rng.next();
    (columns[0] as Float64Array)[r] = a;
    (columns[1] as Float64Array)[r] = b;
    (columns[2] as Float64Array)[r] = rng.normal();
    const label = a + b > 1 ? 1 : 0;
    y[r] = rng.next() < 0.1 ? 1 - label : label;
  }
  return { columns, y };
}

function accuracy(probabilities: Float64Array, y: Int32Array, classCount: number): number {
  let correct = 0;
  for (let r = 0; r < y.length; r++) {
    let best = 0;
    for (let c = 1; c < classCount; c++)
      if ((probabilities[r * classCount + c] as number) > (probabilities[r * classCount + best] as number)) best = c;
    if (best === y[r]) correct++;
  }
  return correct / y.length;
}

describe('trainRandomForest', () => {
  it('learns a noisy boundary and estimates its accuracy out of bag', async () => {
    const train = noisyClasses(1500, 1);
    const test = noisyClasses(1000, 2);
    const { estimator, outOfBagScore } = await trainRandomForest(
      train.columns,
      { kind: 'classification', y: train.y, classCount: 2 },
      { trees: 30, maxDepth: 6 },
    );
    expect(estimator.trees).toHaveLength(30);
    const testAccuracy = accuracy(predictForest(estimator, matrixFromColumns(test.columns), 2), test.y, 2);
    // 10% of labels are flipped, so about 0.9 is the best possible.
    expect(testAccuracy).toBeGreaterThan(0.84);
    expect(outOfBagScore).toBeDefined();
    expect(Math.abs((outOfBagScore as number) - testAccuracy)).toBeLessThan(0.04);
    for (const tree of estimator.trees)
      for (let node = 0; node < tree.feature.length; node++) {
        if ((tree.feature[node] as number) >= 0) continue;
        const leaf = tree.value[node] as number[];
        expect(leaf).toHaveLength(2);
        expect((leaf[0] as number) + (leaf[1] as number)).toBeCloseTo(1, 12);
      }
  });

  it('gives an identical forest for the same seed and a different one for another seed', async () => {
    const { columns, y } = noisyClasses(400, 3);
    const train = (seed: number) =>
      trainRandomForest(columns, { kind: 'classification', y, classCount: 2 }, { trees: 8, seed });
    const first = await train(11);
    const again = await train(11);
    const other = await train(12);
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(JSON.stringify(other.estimator)).not.toBe(JSON.stringify(first.estimator));
  });

  it('fits a smooth regression and reports R² out of bag', async () => {
    const rng = createRng(4);
    const rows = 1200;
    const x = [new Float64Array(rows), new Float64Array(rows)];
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const a = rng.next() * 6;
      const b = rng.next();
      (x[0] as Float64Array)[r] = a;
      (x[1] as Float64Array)[r] = b;
      y[r] = Math.sin(a) * 3 + b + rng.normal() * 0.1;
    }
    const { estimator, outOfBagScore } = await trainRandomForest(x, { kind: 'regression', y }, { trees: 20 });
    expect(outOfBagScore).toBeGreaterThan(0.97);
    const p = predictForest(estimator, matrixFromColumns(x), 1);
    for (let r = 0; r < 20; r++) expect(Math.abs((p[r] as number) - (y[r] as number))).toBeLessThan(0.5);
  });

  it('reproduces its training labels through predictForest without bootstrap', async () => {
    const { columns, y } = noisyClasses(600, 5);
    const { estimator, outOfBagScore } = await trainRandomForest(
      columns,
      { kind: 'classification', y, classCount: 2 },
      { trees: 3, maxDepth: 0, bootstrap: false, maxFeatures: 'all' },
    );
    expect(outOfBagScore).toBeUndefined();
    expect(accuracy(predictForest(estimator, matrixFromColumns(columns), 2), y, 2)).toBe(1);
  });

  it('honours maxFeatures', async () => {
    // Only feature 2 is informative: with one feature drawn per node, some roots must use another.
    const rows = 200;
    const rng = createRng(8);
    const columns = [new Float64Array(rows), new Float64Array(rows), new Float64Array(rows), new Float64Array(rows)];
    const y = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      for (const column of columns) column[r] = rng.next();
      y[r] = ((columns[2] as Float64Array)[r] as number) > 0.5 ? 1 : 0;
    }
    const roots = async (maxFeatures: 'log2' | 'all') => {
      const { estimator } = await trainRandomForest(
        columns,
        { kind: 'classification', y, classCount: 2 },
        { trees: 20, maxFeatures, bootstrap: false },
      );
      return new Set(estimator.trees.map((tree) => tree.feature[0]));
    };
    expect(await roots('all')).toEqual(new Set([2]));
    expect((await roots('log2')).size).toBeGreaterThan(1);
  });

  it('reports progress after each tree', async () => {
    const { columns, y } = noisyClasses(50, 6);
    const calls: Array<[number, number]> = [];
    await trainRandomForest(
      columns,
      { kind: 'classification', y, classCount: 2 },
      { trees: 4, onTree: (done, total) => calls.push([done, total]) },
    );
    expect(calls).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  });

  it('stops between trees when aborted, rejecting with the reason', async () => {
    const { columns, y } = noisyClasses(100, 7);
    const controller = new AbortController();
    const reason = new Error('cancelled by user');
    let trees = 0;
    const training = trainRandomForest(
      columns,
      { kind: 'classification', y, classCount: 2 },
      {
        trees: 50,
        signal: controller.signal,
        onTree: (done) => {
          trees = done;
          if (done === 2) controller.abort(reason);
        },
      },
    );
    await expect(training).rejects.toBe(reason);
    expect(trees).toBe(2);
  });

  it('yields to the event loop, so an abort from a timer stops training', async () => {
    const { columns, y } = noisyClasses(2000, 8);
    const controller = new AbortController();
    let trees = 0;
    setTimeout(() => controller.abort(new Error('timed out')), 0);
    const training = trainRandomForest(
      columns,
      { kind: 'classification', y, classCount: 2 },
      { trees: 1000, signal: controller.signal, onTree: (done) => (trees = done) },
    );
    await expect(training).rejects.toThrow('timed out');
    expect(trees).toBeGreaterThan(0);
    expect(trees).toBeLessThan(1000);
  });

  it('yields inside a tree too, so one large tree does not hold the event loop', async () => {
    const rows = 60_000;
    const rng = createRng(9);
    const columns = [0, 1, 2, 3].map(() => Float64Array.from({ length: rows }, () => rng.next()));
    const y = Float64Array.from({ length: rows }, (_, r) => (columns[0] as Float64Array)[r] as number);
    let ticks = 0;
    let treesDone = 0;
    const timer = setInterval(() => {
      if (treesDone === 0) ticks++;
    }, 1);
    try {
      await trainRandomForest(
        columns,
        { kind: 'regression', y },
        {
          trees: 1,
          maxDepth: 0,
          onTree: () => {
            treesDone++;
          },
        },
      );
    } finally {
      clearInterval(timer);
    }
    // The single fully grown tree takes far longer than one 25 ms slice; timers ran while it grew.
    expect(ticks).toBeGreaterThan(1);
  });

  it('rejects at once when already aborted', async () => {
    const { columns, y } = noisyClasses(20, 7);
    const onTree = (): void => {
      throw new Error('no tree should be trained');
    };
    await expect(
      trainRandomForest(
        columns,
        { kind: 'classification', y, classCount: 2 },
        { signal: AbortSignal.abort('stop'), onTree },
      ),
    ).rejects.toBe('stop');
  });

  it('rejects invalid input', async () => {
    const columns = [Float64Array.of(1, 2, 3)];
    const y = Int32Array.of(0, 1, 2);
    await expect(trainRandomForest(columns, { kind: 'classification', y, classCount: 2 })).rejects.toThrow(/class 2/);
    await expect(
      trainRandomForest(columns, { kind: 'classification', y, classCount: 3 }, { trees: 0 }),
    ).rejects.toThrow(/trees/);
    await expect(
      trainRandomForest(columns, { kind: 'classification', y, classCount: 3 }, { minSamplesLeaf: 0.5 }),
    ).rejects.toThrow(/minSamplesLeaf/);
    await expect(
      trainRandomForest([Float64Array.of(1, 2)], { kind: 'regression', y: Float64Array.of(1, 2, 3) }),
    ).rejects.toThrow(/feature 0 has 2 rows/);
    await expect(trainRandomForest([], { kind: 'regression', y: new Float64Array(0) })).rejects.toThrow(/no rows/);
  });
});
