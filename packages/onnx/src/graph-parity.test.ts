import type { FittedStep, ForestEstimator, ModelFile, SourceColumn } from '@loom/ml';
import { predictModel } from '@loom/ml';
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildOnnxModel } from './build-model.ts';
import { float32AtMost } from './estimator-graph.ts';
import { expectOnnxCheckerPasses } from './testing/onnx-checker.ts';
import { runOnnx } from './testing/run-onnx.ts';

/** A classifier over the given lineage whose one tree splits feature 0 at `threshold`: left → a, right → b. */
function stumpModel(sources: SourceColumn[], steps: FittedStep[], features: string[], threshold: number): ModelFile {
  const estimator: ForestEstimator = {
    kind: 'forest',
    trees: [
      {
        feature: [0, -1, -1],
        threshold: [threshold, 0, 0],
        left: [1, 0, 0],
        right: [2, 0, 0],
        value: [[], [1, 0], [0, 1]],
      },
    ],
  };
  return {
    format: 'loom.model',
    version: 1,
    trainedBy: 'test.stump',
    task: 'classification',
    label: 'y',
    classes: ['a', 'b'],
    labelKind: 'string',
    lineage: { format: 'loom.lineage', version: 1, sources, steps },
    features,
    estimator,
    sample: {},
    training: { rows: 0, seed: 0, params: {} },
  };
}

async function labels(model: ModelFile, columns: Record<string, Float64Array | Array<string | null>>, rows: number) {
  const outputs = await runOnnx(buildOnnxModel(model), columns, rows);
  return Array.from((outputs.label as ort.Tensor).data as string[]);
}

describe('trees in the graph branch as predictModel does', () => {
  const f = Math.fround;

  it('scales one-hot columns when a normalize step came after the one_hot (as normalize does by default)', async () => {
    const steps: FittedStep[] = [
      { kind: 'one_hot', column: 'colour', categories: ['blue', 'red'] },
      { kind: 'scale', column: 'colour=red', offset: 0.25, scale: 0.5 },
      { kind: 'scale', column: 'x', offset: 1, scale: 2 },
    ];
    // red → (1 − 0.25) / 0.5 = 1.5, blue or NULL → −0.5: the stump at 1 separates them only if the scale applies.
    const model = stumpModel(
      [
        { name: 'x', kind: 'number' },
        { name: 'colour', kind: 'string' },
      ],
      steps,
      ['colour=red', 'x', 'colour=blue'],
      1,
    );
    const columns = { x: new Float64Array([0, 3, 5]), colour: ['red', 'blue', null] };
    expect(await labels(model, columns, 3)).toEqual(['b', 'a', 'a']);
    const expected = predictModel(model, columns, 3).classIndex;
    expect(Array.from(expected ?? [])).toEqual([1, 0, 0]);
  });

  it('behind impute and scale, a value that float32 arithmetic puts exactly on the threshold goes left', async () => {
    const steps: FittedStep[] = [
      { kind: 'impute', column: 'x', value: 0.5 },
      { kind: 'scale', column: 'x', offset: 0.1, scale: 0.3 },
    ];
    // In float32, with a rounding after each operation, 0.5 scales to exactly this value; in float64 it
    // lands above it, so float64 preprocessing would send the row right.
    const threshold = f(f(f(0.5) - f(0.1)) / f(0.3));
    expect((0.5 - 0.1) / 0.3).toBeGreaterThan(threshold);
    const model = stumpModel([{ name: 'x', kind: 'number' }], steps, ['x'], threshold);
    // 0.5, NULL (imputed to 0.5), and the next float32 up.
    const x = new Float64Array([0.5, Number.NaN, 0.5000001]);
    expect(await labels(model, { x }, 3)).toEqual(['a', 'a', 'b']);
    expect(Array.from(predictModel(model, { x }, 3).classIndex ?? [])).toEqual([0, 0, 1]);
  });

  it('keeps predictForest’s float64 comparison when a threshold is not a float32 value', async () => {
    // fround(0.1) is above 0.1: predictForest sends x = fround(0.1) right; a threshold rounded to
    // nearest would send it left, the one rounded down keeps it right.
    const model = stumpModel([{ name: 'x', kind: 'number' }], [], ['x'], 0.1);
    const x = new Float64Array([0.1, float32AtMost(0.1), 0.0999999]);
    const expected = Array.from(predictModel(model, { x }, 3).classIndex ?? [], (c) => ['a', 'b'][c]);
    expect(expected).toEqual(['b', 'a', 'a']);
    expect(await labels(model, { x }, 3)).toEqual(expected);
  });

  it('rounds thresholds down to float32', () => {
    expect(float32AtMost(0.5)).toBe(0.5);
    expect(float32AtMost(f(0.1))).toBe(f(0.1));
    expect(float32AtMost(0.1)).toBeLessThan(0.1);
    expect(f(float32AtMost(0.1))).toBe(float32AtMost(0.1));
    expect(float32AtMost(-0.1)).toBeLessThan(-0.1);
    expect(float32AtMost(-1e-50)).toBeLessThan(0);
    expect(float32AtMost(1e39)).toBe(f(3.4028234663852886e38));
  });
});

describe('number steps applied to all number columns at once', () => {
  it('leaves the columns without a step at some position unchanged, NULL included', async (context) => {
    const sources: SourceColumn[] = ['a', 'b', 'c'].map((name) => ({ name, kind: 'number' }));
    const model: ModelFile = {
      ...stumpModel(sources, [], ['c', 'a', 'b'], 0),
      task: 'regression',
      labelKind: 'number',
      estimator: { kind: 'linear', link: 'identity', weights: [[1, 1000, 1e6]], intercepts: [0] },
    };
    // a: scale then impute; b: impute twice (the second finds no NULL); c: no step at all.
    model.lineage.steps = [
      { kind: 'scale', column: 'a', offset: 0.1, scale: 0.3 },
      { kind: 'impute', column: 'b', value: 2 },
      { kind: 'impute', column: 'a', value: 0.25 },
      { kind: 'impute', column: 'b', value: 3 },
    ];
    const columns = {
      a: new Float64Array([0.7, Number.NaN, 1]),
      b: new Float64Array([Number.NaN, 1, 4]),
      c: new Float64Array([5, 6, Number.NaN]),
    };
    const outputs = await runOnnx(buildOnnxModel(model), columns, 3);
    const expected = Array.from(predictModel(model, columns, 3).values ?? []);
    const f = Math.fround;
    expect(expected.slice(0, 2)).toEqual([
      f(5) + 1000 * f(f(f(0.7) - f(0.1)) / f(0.3)) + 1e6 * 2,
      f(6) + 1000 * f(0.25) + 1e6 * 1,
    ]);
    expect(expected[2]).toBeNaN();
    const actual = Array.from((outputs.variable as ort.Tensor).data as Float32Array);
    expect(actual[2]).toBeNaN();
    actual.slice(0, 2).forEach((v, r) => {
      expect(Math.abs(v - (expected[r] as number))).toBeLessThanOrEqual(1e-5 * Math.abs(v));
    });
    await expectOnnxCheckerPasses(buildOnnxModel(model), (note) => context.skip(note));
  });
});

describe('one-hot encoding in the graph', () => {
  const sources: SourceColumn[] = [{ name: 's', kind: 'string' }];
  const linear = (features: string[]): ModelFile => ({
    ...stumpModel(sources, [], features, 0),
    task: 'regression',
    labelKind: 'number',
    estimator: { kind: 'linear', link: 'identity', weights: [features.map((_, i) => 10 ** i)], intercepts: [0] },
  });
  const values = async (model: ModelFile, column: Array<string | null>) => {
    const outputs = await runOnnx(buildOnnxModel(model), { s: column }, column.length);
    const expected = Array.from(predictModel(model, { s: column }, column.length).values ?? []);
    expect(Array.from((outputs.variable as ort.Tensor).data as Float32Array)).toEqual(expected);
    return expected;
  };

  it('gives NULL and unseen values zeros, even when the empty string is a category', async (context) => {
    const model = linear(['s=', 's=a']);
    model.lineage.steps = [{ kind: 'one_hot', column: 's', categories: ['a', ''] }];
    // Columns: s= (×1), s=a (×10). NULL reaches the graph as '', which must not match the '' category.
    expect(await values(model, [null, 'a', 'zz'])).toEqual([0, 10, 0]);
    await expectOnnxCheckerPasses(buildOnnxModel(model), (note) => context.skip(note));
  });

  it('imputes NULL before encoding, also to a value that is not a category', async (context) => {
    const model = linear(['s=a', 's=b']);
    model.lineage.steps = [
      { kind: 'impute_category', column: 's', value: 'b' },
      { kind: 'impute_category', column: 's', value: 'a' },
      { kind: 'one_hot', column: 's', categories: ['a', 'b'] },
    ];
    // The second imputation finds no NULL left.
    expect(await values(model, [null, 'a', 'c'])).toEqual([10, 1, 0]);
    model.lineage.steps = [
      { kind: 'impute_category', column: 's', value: 'other' },
      { kind: 'one_hot', column: 's', categories: ['a', 'b'] },
    ];
    expect(await values(model, [null, 'b', 'a'])).toEqual([0, 10, 1]);
    await expectOnnxCheckerPasses(buildOnnxModel(model), (note) => context.skip(note));
  });

  it('picks single one-hot columns out of their block in any order', async () => {
    const model = linear(['s=c', 's=a']);
    model.lineage.steps = [{ kind: 'one_hot', column: 's', categories: ['a', 'b', 'c'] }];
    expect(await values(model, ['a', 'b', 'c', null])).toEqual([10, 0, 1, 0]);
  });
});
