import {
  createRng,
  type DecisionTree,
  type Estimator,
  type FeatureMatrix,
  type FittedStep,
  type ModelFile,
  preprocess,
  type Rng,
  type SourceColumn,
} from '@loom/ml';

/**
 * Hand-built model files covering every estimator and preprocessing step, for tests of the export (here
 * and in the nodes that use it). Weights and trees are random but seeded, so every run sees the same
 * models. Tree thresholds are taken from the sample's own preprocessed values, so sample rows land
 * exactly on float32 thresholds, some of them behind a `scale` step.
 */

const SOURCES: SourceColumn[] = [
  { name: 'age', kind: 'number' },
  { name: 'note', kind: 'string' },
  { name: 'income', kind: 'number' },
  { name: 'city', kind: 'string' },
  { name: 'color', kind: 'string' },
  { name: 'visits', kind: 'number' },
  { name: 'unused', kind: 'number' },
];

const STEPS: FittedStep[] = [
  { kind: 'impute', column: 'age', value: 38.5 },
  { kind: 'scale', column: 'age', offset: 40.1, scale: 12.3 },
  { kind: 'one_hot', column: 'note', categories: ['x', 'y'] },
  { kind: 'scale', column: 'income', offset: 52_000.25, scale: 15_000.7 },
  { kind: 'impute_category', column: 'city', value: 'Oslo' },
  { kind: 'one_hot', column: 'city', categories: ['Lima', 'Oslo', 'Rome'] },
  { kind: 'one_hot', column: 'color', categories: ['blue', 'green', 'red'] },
  { kind: 'impute', column: 'unused', value: 0 },
  { kind: 'scale', column: 'unused', offset: 1, scale: 3 },
];

/** Features in a shuffled order: one-hot blocks split and partly dropped, two sources unused. */
const SHUFFLED = ['city=Rome', 'age', 'income', 'color=red', 'color=blue', 'visits', 'city=Lima', 'city=Oslo'];
/** Features in lineage order: whole one-hot blocks, which the graph passes on without slicing. */
const IN_ORDER = [
  'age',
  'income',
  'city=Lima',
  'city=Oslo',
  'city=Rome',
  'color=blue',
  'color=green',
  'color=red',
  'visits',
];

/** Sample rows of the used sources, with NULLs, unseen categories and awkward doubles. */
function sampleRows(rng: Rng, rows: number): ModelFile['sample'] {
  const pick = <T>(values: readonly T[]): T => values[rng.int(values.length)] as T;
  const sample: ModelFile['sample'] = { age: [], income: [], city: [], color: [], visits: [] };
  for (let r = 0; r < rows; r++) {
    sample.age?.push(rng.next() < 0.15 ? null : 18 + rng.next() * 60);
    sample.income?.push(20_000 + rng.next() * 90_000);
    sample.city?.push(pick(['Lima', 'Oslo', 'Rome', 'Paris', null]));
    sample.color?.push(pick(['blue', 'green', 'red', null]));
    sample.visits?.push(rng.int(20));
  }
  return sample;
}

function baseModel(
  name: string,
  features: string[],
  estimator: Estimator,
  target: Pick<ModelFile, 'task' | 'classes' | 'labelKind' | 'labelScale'>,
  sample: ModelFile['sample'],
): ModelFile {
  const { task, classes, labelKind, labelScale } = target;
  return {
    format: 'loom.model',
    version: 1,
    trainedBy: `test.${name}`,
    task,
    label: 'target',
    ...(classes ? { classes } : {}),
    labelKind,
    ...(labelScale ? { labelScale } : {}),
    lineage: { format: 'loom.lineage', version: 1, sources: SOURCES, steps: STEPS },
    features,
    estimator,
    sample,
    training: { rows: 100, seed: 7, params: {} },
  };
}

function matrix(rng: Rng, rows: number, cols: number, scale: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal() * scale));
}

function layer(rng: Rng, outputs: number, inputs: number): { weights: number[][]; biases: number[] } {
  return {
    weights: matrix(rng, outputs, inputs, 0.8),
    biases: Array.from({ length: outputs }, () => rng.normal() * 0.3),
  };
}

/**
 * A random tree of the given depth over the preprocessed sample `x`. Each split's threshold is one
 * sample row's value of its feature (already float32), so that row sits exactly on the threshold.
 */
function randomTree(rng: Rng, x: FeatureMatrix, depth: number, leaf: () => number[]): DecisionTree {
  const tree: DecisionTree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const grow = (level: number): number => {
    const node = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(0);
    tree.right.push(0);
    tree.value.push([]);
    if (level === depth) {
      tree.value[node] = leaf();
      return node;
    }
    const feature = rng.int(x.cols);
    let threshold = Number.NaN;
    for (let tries = 0; Number.isNaN(threshold) && tries < 20; tries++) {
      threshold = x.data[rng.int(x.rows) * x.cols + feature] as number;
    }
    tree.feature[node] = feature;
    tree.threshold[node] = Number.isNaN(threshold) ? 0 : threshold;
    tree.left[node] = grow(level + 1);
    tree.right[node] = grow(level + 1);
    return node;
  };
  grow(0);
  return tree;
}

function randomForest(rng: Rng, x: FeatureMatrix, trees: number, depth: number, leaf: () => number[]): Estimator {
  return { kind: 'forest', trees: Array.from({ length: trees }, () => randomTree(rng, x, depth, leaf)) };
}

function probabilities(rng: Rng, classes: number): () => number[] {
  return () => {
    const raw = Array.from({ length: classes }, () => rng.next() ** 2);
    const sum = raw.reduce((a, b) => a + b, 0);
    return raw.map((v) => v / sum);
  };
}

/** Number of sample rows in each example model. */
export const EXAMPLE_SAMPLE_ROWS = 60;

/**
 * One model per kind of estimator and output, all over the same lineage (impute, scale, one-hot with and
 * without a category imputation, and columns the features do not use).
 *
 * @example
 * for (const [name, model] of Object.entries(exampleModels())) await checkParity(model, buildOnnxModel(model));
 */
export function exampleModels(): Record<string, ModelFile> {
  const rng = createRng(20_240_601);
  const sample = sampleRows(rng, EXAMPLE_SAMPLE_ROWS);
  const shuffled = SHUFFLED.length;
  const inOrder = IN_ORDER.length;
  const binary = { task: 'classification' as const, classes: ['no', 'yes'], labelKind: 'string' as const };
  const regression = { task: 'regression', labelKind: 'number' } as const;
  const forestBase = baseModel('forest', IN_ORDER, { kind: 'forest', trees: [] }, regression, sample);
  const x = preprocess(forestBase, rawColumns(forestBase), EXAMPLE_SAMPLE_ROWS);
  return {
    logisticBinary: baseModel(
      'logistic_regression',
      SHUFFLED,
      { kind: 'linear', link: 'logistic', ...layerAsLinear(layer(rng, 1, shuffled)) },
      binary,
      sample,
    ),
    softmaxIntegerClasses: baseModel(
      'logistic_regression',
      SHUFFLED,
      { kind: 'linear', link: 'softmax', ...layerAsLinear(layer(rng, 3, shuffled)) },
      { task: 'classification', classes: [1, 2, 3], labelKind: 'number' },
      sample,
    ),
    linearRegressionScaled: baseModel(
      'linear_regression',
      IN_ORDER,
      { kind: 'linear', link: 'identity', ...layerAsLinear(layer(rng, 1, inOrder)) },
      { ...regression, labelScale: { offset: 3.25, scale: 2.5 } },
      sample,
    ),
    mlpRelu: baseModel(
      'mlp',
      SHUFFLED,
      { kind: 'mlp', activation: 'relu', output: 'softmax', layers: [layer(rng, 6, shuffled), layer(rng, 3, 6)] },
      { task: 'classification', classes: ['a', 'b', 'c'], labelKind: 'string' },
      sample,
    ),
    mlpTanh: baseModel(
      'mlp',
      IN_ORDER,
      {
        kind: 'mlp',
        activation: 'tanh',
        output: 'logistic',
        layers: [layer(rng, 5, inOrder), layer(rng, 4, 5), layer(rng, 1, 4)],
      },
      { task: 'classification', classes: [0, 1], labelKind: 'number' },
      sample,
    ),
    mlpLogisticRegression: baseModel(
      'mlp',
      SHUFFLED,
      { kind: 'mlp', activation: 'logistic', output: 'identity', layers: [layer(rng, 4, shuffled), layer(rng, 1, 4)] },
      { ...regression, labelScale: { offset: -1.5, scale: 0.75 } },
      sample,
    ),
    forestBinary: { ...forestBase, trainedBy: 'test.random_forest', ...binary, estimator: forest(rng, x, 2) },
    forestThreeClasses: {
      ...forestBase,
      trainedBy: 'test.random_forest',
      task: 'classification',
      classes: [0.5, 1.5, 2.5],
      labelKind: 'number',
      estimator: forest(rng, x, 3),
    },
    forestRegressor: {
      ...forestBase,
      trainedBy: 'test.random_forest',
      estimator: randomForest(rng, x, 12, 4, () => [rng.normal() * 10]),
    },
  };
}

function forest(rng: Rng, x: FeatureMatrix, classes: number): Estimator {
  return randomForest(rng, x, 12, 4, probabilities(rng, classes));
}

function layerAsLinear(l: { weights: number[][]; biases: number[] }): { weights: number[][]; intercepts: number[] } {
  return { weights: l.weights, intercepts: l.biases };
}

/** A model's sample as raw columns (NULL → NaN for numbers, null for strings), the inputs of predictModel. */
export function rawColumns(model: ModelFile): Record<string, Float64Array | Array<string | null>> {
  const columns: Record<string, Float64Array | Array<string | null>> = {};
  for (const source of model.lineage.sources) {
    const values = model.sample[source.name];
    if (values === undefined) continue;
    columns[source.name] =
      source.kind === 'number'
        ? Float64Array.from(values, (v) => (typeof v === 'number' ? v : Number.NaN))
        : values.map((v) => (typeof v === 'string' ? v : null));
  }
  return columns;
}
