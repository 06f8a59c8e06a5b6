import { describe, expect, it } from 'vitest';
import type { FittedStep, SourceColumn } from './lineage.ts';
import type { Estimator, ForestEstimator, ModelFile } from './model-format.ts';
import {
  checkEstimatorFits,
  estimatorOutputs,
  featureLineage,
  predictModel,
  preprocess,
  requiredSources,
} from './model-predict.ts';

function model(parts: {
  sources: SourceColumn[];
  steps?: FittedStep[];
  features: string[];
  estimator: Estimator;
  task?: ModelFile['task'];
  classes?: string[] | number[];
  labelScale?: { offset: number; scale: number };
}): ModelFile {
  const task = parts.task ?? 'classification';
  return {
    format: 'loom.model',
    version: 1,
    trainedBy: 'test',
    task,
    label: 'y',
    ...(task === 'classification' ? { classes: parts.classes ?? ['no', 'yes'] } : {}),
    labelKind: 'string',
    ...(parts.labelScale ? { labelScale: parts.labelScale } : {}),
    lineage: { format: 'loom.lineage', version: 1, sources: parts.sources, steps: parts.steps ?? [] },
    features: parts.features,
    estimator: parts.estimator,
    sample: {},
    training: { rows: 0, seed: 1, params: {} },
  };
}

const identity = (features: number): Estimator => ({
  kind: 'linear',
  link: 'identity',
  weights: [Array.from({ length: features }, () => 1)],
  intercepts: [0],
});

describe('featureLineage', () => {
  const sources: SourceColumn[] = [
    { name: 'unused', kind: 'number' },
    { name: 'city', kind: 'string' },
    { name: 'age', kind: 'number' },
    { name: 'note', kind: 'string' },
  ];
  const steps: FittedStep[] = [
    { kind: 'impute', column: 'unused', value: 0 },
    { kind: 'impute', column: 'age', value: 40 },
    { kind: 'impute_category', column: 'city', value: 'Oslo' },
    { kind: 'one_hot', column: 'city', categories: ['Oslo', 'Rome'] },
    { kind: 'one_hot', column: 'note', categories: ['a'] },
  ];

  it('keeps the sources and steps the features need, in lineage order', () => {
    const m = model({ sources, steps, features: ['age', 'city=Rome'], estimator: identity(2), task: 'regression' });
    expect(featureLineage(m)).toEqual({
      sources: [
        { name: 'city', kind: 'string' },
        { name: 'age', kind: 'number' },
      ],
      steps: [steps[1], steps[2], steps[3]],
    });
    expect(requiredSources(m)).toEqual(featureLineage(m).sources);
  });

  it('names what is wrong in an inconsistent lineage', () => {
    const bad = (s: FittedStep[], features: string[]) => () =>
      featureLineage(model({ sources, steps: s, features, estimator: identity(1), task: 'regression' }));
    expect(bad([{ kind: 'scale', column: 'height', offset: 0, scale: 1 }], ['age'])).toThrow(
      /step 1 \(scale 'height'\) reads a column that does not exist/,
    );
    expect(bad([{ kind: 'scale', column: 'city', offset: 0, scale: 1 }], ['age'])).toThrow(/needs a number column/);
    expect(bad([{ kind: 'one_hot', column: 'age', categories: ['1'] }], ['age'])).toThrow(/needs a string column/);
    expect(bad([], ['height'])).toThrow(/feature 'height' is not a column/);
    expect(bad([], ['city'])).toThrow(/feature 'city' is a string column/);
    expect(bad([steps[3] as FittedStep], ['city'])).toThrow(/feature 'city' is not a column/);
  });

  it('refuses a one-hot column that collides with an existing one', () => {
    const m = model({
      sources: [
        { name: 'c', kind: 'string' },
        { name: 'c=x', kind: 'number' },
      ],
      steps: [{ kind: 'one_hot', column: 'c', categories: ['x'] }],
      features: ['c=x'],
      estimator: identity(1),
      task: 'regression',
    });
    expect(() => requiredSources(m)).toThrow(/makes column 'c=x', which already exists/);
  });
});

describe('preprocess', () => {
  it('imputes, scales in float32, one-hot encodes and orders the features as the model lists them', () => {
    const m = model({
      sources: [
        { name: 'x', kind: 'number' },
        { name: 'city', kind: 'string' },
        { name: 'ignored', kind: 'number' },
      ],
      steps: [
        { kind: 'impute', column: 'x', value: 0.3 },
        { kind: 'scale', column: 'x', offset: 0.1, scale: 0.7 },
        { kind: 'impute_category', column: 'city', value: 'Rome' },
        { kind: 'one_hot', column: 'city', categories: ['Oslo', 'Rome'] },
        { kind: 'scale', column: 'ignored', offset: 1, scale: 2 },
      ],
      features: ['city=Rome', 'x', 'city=Oslo'],
      estimator: identity(3),
      task: 'regression',
    });
    // 'ignored' is not required, so it may be absent; 'city' is longer than the row count.
    const x = preprocess(m, { x: new Float64Array([0.2, Number.NaN]), city: ['Oslo', null, 'Paris'] }, 2);
    const f = Math.fround;
    const scaled = (v: number) => f(f(f(v) - f(0.1)) / f(0.7));
    expect(scaled(0.2)).not.toBe((0.2 - 0.1) / 0.7);
    expect(x).toEqual({ rows: 2, cols: 3, data: new Float64Array([0, scaled(0.2), 1, 1, scaled(0.3), 0]) });
  });

  it('gives zeros for NULL and unseen categories without an imputation, and keeps NaN without one', () => {
    const m = model({
      sources: [
        { name: 'city', kind: 'string' },
        { name: 'x', kind: 'number' },
      ],
      steps: [{ kind: 'one_hot', column: 'city', categories: ['Oslo', 'Rome'] }],
      features: ['city=Oslo', 'city=Rome', 'x'],
      estimator: identity(3),
      task: 'regression',
    });
    const x = preprocess(m, { city: [null, 'Lima', 'Rome'], x: new Float64Array([Number.NaN, 1e40, 0.1]) }, 3);
    expect(Array.from(x.data)).toEqual([0, 0, Number.NaN, 0, 0, Number.POSITIVE_INFINITY, 0, 1, Math.fround(0.1)]);
  });

  it('reports missing, short and mistyped input columns', () => {
    const m = model({
      sources: [
        { name: 'x', kind: 'number' },
        { name: 's', kind: 'string' },
      ],
      steps: [{ kind: 'one_hot', column: 's', categories: ['a'] }],
      features: ['x', 's=a'],
      estimator: identity(2),
      task: 'regression',
    });
    expect(() => preprocess(m, { s: ['a'] }, 1)).toThrow(/missing input column 'x'/);
    expect(() => preprocess(m, { x: new Float64Array(1), s: [] }, 1)).toThrow(/'s' has 0 rows, expected 1/);
    expect(() => preprocess(m, { x: ['1'], s: ['a'] }, 1)).toThrow(/'x' must be a Float64Array/);
    expect(() => preprocess(m, { x: new Float64Array(1), s: new Float64Array(1) }, 1)).toThrow(/'s' must be an array/);
  });
});

describe('predictModel', () => {
  it('gives [1 − p, p] and the first most probable class for a logistic model', () => {
    const m = model({
      sources: [{ name: 'x', kind: 'number' }],
      features: ['x'],
      estimator: { kind: 'linear', link: 'logistic', weights: [[2]], intercepts: [-1] },
    });
    const { probabilities, classIndex } = predictModel(m, { x: new Float64Array([0, 0.5, 2]) }, 3);
    const p0 = 1 / (1 + Math.exp(1));
    const p2 = 1 / (1 + Math.exp(-3));
    expect(Array.from(probabilities ?? [])).toEqual([1 - p0, p0, 0.5, 0.5, 1 - p2, p2]);
    // Row 1 is a tie: the first class wins.
    expect(Array.from(classIndex ?? [])).toEqual([0, 0, 1]);
  });

  it('maps regression values back through labelScale', () => {
    const m = model({
      sources: [{ name: 'x', kind: 'number' }],
      features: ['x'],
      estimator: { kind: 'linear', link: 'identity', weights: [[0.5]], intercepts: [1] },
      task: 'regression',
      labelScale: { offset: 100, scale: 10 },
    });
    expect(Array.from(predictModel(m, { x: new Float64Array([2, -4]) }, 2).values ?? [])).toEqual([120, 90]);
  });

  it('sends a value that rounds onto a float32 threshold left, also behind a scale step', () => {
    const threshold = Math.fround(0.1);
    // Above the threshold in float64, but its nearest float32 is the threshold itself.
    const above = threshold + 2 ** -32;
    expect(above).toBeGreaterThan(threshold);
    expect(Math.fround(above)).toBe(threshold);
    const stump: ForestEstimator = {
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
    const plain = model({ sources: [{ name: 'x', kind: 'number' }], features: ['x'], estimator: stump });
    expect(Array.from(predictModel(plain, { x: new Float64Array([above, 0.11]) }, 2).classIndex ?? [])).toEqual([0, 1]);
    // Behind scale (x − 0.1) / 0.3, computed in float32 with a rounding at each step, 0.5 lands exactly on
    // the threshold, while float64 arithmetic would put it above.
    const f = Math.fround;
    const onThreshold = f(f(f(0.5) - f(0.1)) / f(0.3));
    expect((0.5 - 0.1) / 0.3).toBeGreaterThan(onThreshold);
    const scaled = model({
      sources: [{ name: 'x', kind: 'number' }],
      steps: [{ kind: 'scale', column: 'x', offset: 0.1, scale: 0.3 }],
      features: ['x'],
      estimator: { kind: 'forest', trees: stump.trees.map((tree) => ({ ...tree, threshold: [onThreshold, 0, 0] })) },
    });
    expect(Array.from(predictModel(scaled, { x: new Float64Array([0.5, 0.5001]) }, 2).classIndex ?? [])).toEqual([
      0, 1,
    ]);
  });

  it('refuses an estimator whose outputs do not fit the classes', () => {
    const m = model({
      sources: [{ name: 'x', kind: 'number' }],
      features: ['x'],
      estimator: { kind: 'linear', link: 'softmax', weights: [[1], [2]], intercepts: [0, 0] },
      classes: ['a', 'b', 'c'],
    });
    expect(() => predictModel(m, { x: new Float64Array(1) }, 1)).toThrow(/2 outputs for 3 classes/);
    const twoUnitLogistic: Estimator = { kind: 'linear', link: 'logistic', weights: [[1], [2]], intercepts: [0, 0] };
    expect(() => checkEstimatorFits({ ...m, classes: ['a', 'b'], estimator: twoUnitLogistic })).toThrow(
      /2 outputs for 2 classes/,
    );
    expect(() => checkEstimatorFits({ ...m, estimator: identity(1) })).toThrow(
      /logistic or softmax output, not identity/,
    );
    expect(() => checkEstimatorFits({ ...m, classes: ['a'] })).toThrow(/at least two classes/);
    expect(() => checkEstimatorFits({ ...m, task: 'regression', estimator: twoUnitLogistic })).toThrow(
      /regressor needs an identity output, not logistic/,
    );
    const forest: Estimator = {
      kind: 'forest',
      trees: [{ feature: [-1], threshold: [0], left: [0], right: [0], value: [[1, 2]] }],
    };
    expect(() => checkEstimatorFits({ ...m, task: 'regression', estimator: forest })).toThrow(
      /one output, this one has 2/,
    );
    expect(() => checkEstimatorFits({ ...m, classes: ['a', 'b'], estimator: forest })).not.toThrow();
  });

  it('counts estimator outputs', () => {
    expect(estimatorOutputs({ kind: 'linear', link: 'softmax', weights: [[1], [2], [3]], intercepts: [0, 0, 0] })).toBe(
      3,
    );
    expect(
      estimatorOutputs({
        kind: 'mlp',
        activation: 'relu',
        output: 'identity',
        layers: [
          { weights: [[1], [1]], biases: [0, 0] },
          { weights: [[1, 1]], biases: [0] },
        ],
      }),
    ).toBe(1);
    const leaf = { feature: [-1], threshold: [0], left: [0], right: [0], value: [[0.2, 0.8]] };
    expect(estimatorOutputs({ kind: 'forest', trees: [leaf] })).toBe(2);
  });
});
