/**
 * Compares the trainers with scikit-learn 1.2 fitted on the same rows, through
 * `scripts/sklearn_reference.py` run by Debian's /usr/bin/python3. Without scikit-learn the suite is
 * skipped on a developer's machine and fails in CI, which must have it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictLinear, predictMlp } from './estimator-predict.ts';
import type { FeatureMatrix } from './feature-matrix.ts';
import { trainLinearRegression } from './linear-regression.ts';
import { logisticObjective, trainLogisticRegression } from './logistic-regression.ts';
import { trainMlp } from './mlp.ts';
import { createRng } from './rng.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', 'scripts', 'sklearn_reference.py');
const IRIS = '/usr/lib/python3/dist-packages/sklearn/datasets/data/iris.csv';
const hasSklearn = spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;

interface Table {
  x: FeatureMatrix;
  y: Float64Array;
}

/** Rows from a logit model over features of unequal scales, labels 0..classes−1. */
function logitTable(rows: number, cols: number, classes: number, seed: number): Table {
  const rng = createRng(seed);
  const scales = Array.from({ length: cols }, (_, c) => 0.5 + c);
  const weights = Array.from({ length: classes }, () =>
    Array.from({ length: cols }, (_, c) => rng.normal() / (scales[c] as number)),
  );
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  const scores = new Float64Array(classes);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data[r * cols + c] = (scales[c] as number) * rng.normal() + 1;
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      let z = 0;
      for (let c = 0; c < cols; c++) z += ((weights[k] as number[])[c] as number) * (data[r * cols + c] as number);
      scores[k] = Math.exp(2 * z);
      sum += scores[k] as number;
    }
    let u = rng.next() * sum;
    let k = 0;
    while (k < classes - 1 && u >= (scores[k] as number)) u -= scores[k++] as number;
    y[r] = k;
  }
  return { x: { rows, cols, data }, y };
}

/** Two interleaved half-moons with noise: a boundary a linear model cannot draw. */
function moons(rows: number, seed: number): Table {
  const rng = createRng(seed);
  const data = new Float64Array(rows * 2);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const label = r % 2;
    const angle = Math.PI * rng.next();
    data[2 * r] = (label === 0 ? Math.cos(angle) : 1 - Math.cos(angle)) + 0.2 * rng.normal();
    data[2 * r + 1] = (label === 0 ? Math.sin(angle) : 0.5 - Math.sin(angle)) + 0.2 * rng.normal();
    y[r] = label;
  }
  return { x: { rows, cols: 2, data }, y };
}

function iris(): Table {
  const lines = readFileSync(IRIS, 'utf8').trim().split('\n').slice(1);
  const data = new Float64Array(lines.length * 4);
  const y = new Float64Array(lines.length);
  lines.forEach((line, r) => {
    const values = line.split(',').map(Number);
    data.set(values.slice(0, 4), r * 4);
    y[r] = values[4] as number;
  });
  return { x: { rows: lines.length, cols: 4, data }, y };
}

function labels(table: Table): Int32Array {
  return Int32Array.from(table.y);
}

/** max |a − b| / max |b|, over all entries. */
function relativeError(actual: number[], expected: number[]): number {
  const scale = Math.max(...expected.map(Math.abs));
  return Math.max(...actual.map((value, i) => Math.abs(value - (expected[i] as number)))) / scale;
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

interface LogisticReference {
  coef: number[][];
  intercept: number[];
  n_iter: number;
}

const binary = logitTable(500, 6, 2, 1);
const multiclass = logitTable(600, 5, 4, 2);
const regression = (() => {
  const table = logitTable(200, 6, 2, 3);
  const rng = createRng(4);
  const y = new Float64Array(200);
  for (let r = 0; r < 200; r++) {
    y[r] = 3 + rng.normal();
    for (let c = 0; c < 6; c++) y[r] = (y[r] as number) + (c - 2.5) * (table.x.data[r * 6 + c] as number);
  }
  return { x: table.x, y };
})();
const moonsTrain = moons(1000, 5);
const moonsTest = moons(500, 6);

describe.skipIf(!hasSklearn && !process.env.CI)('parity with scikit-learn 1.2', () => {
  let directory = '';
  let references: unknown[] = [];
  const logisticCases = [
    { name: 'binary, λ = 1', table: binary, classes: 2, lambda: 1 },
    { name: 'binary, λ = 0.05', table: binary, classes: 2, lambda: 0.05 },
    { name: 'four classes, λ = 0.5', table: multiclass, classes: 4, lambda: 0.5 },
    { name: 'iris, λ = 1', table: undefined, classes: 3, lambda: 1 },
    { name: 'iris, λ = 0.01', table: undefined, classes: 3, lambda: 0.01 },
  ];
  const ridgeAlphas = [0.1, 10];
  const mlp = { hidden: [32], epochs: 200, alpha: 1e-4, learningRate: 0.01 };

  beforeAll(() => {
    if (!hasSklearn) throw new Error(`${PYTHON} cannot import sklearn: install python3-sklearn`);
    if (!existsSync(IRIS)) throw new Error(`${IRIS} is missing`);
    directory = mkdtempSync(join(tmpdir(), 'loom-sklearn-'));
    const write = (name: string, table: Table) => {
      const path = join(directory, `${name}.csv`);
      const lines: string[] = [];
      for (let r = 0; r < table.x.rows; r++)
        lines.push([...table.x.data.subarray(r * table.x.cols, (r + 1) * table.x.cols), table.y[r]].join(','));
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    };
    const paths = {
      binary: write('binary', binary),
      multiclass: write('multiclass', multiclass),
      regression: write('regression', regression),
      moonsTrain: write('moons-train', moonsTrain),
      moonsTest: write('moons-test', moonsTest),
      iris: write('iris', iris()),
    };
    const tablePath = (table: Table | undefined) =>
      table === binary ? paths.binary : table === multiclass ? paths.multiclass : paths.iris;
    const jobs = [
      // The precise reference: Newton-CG to a tiny gradient lands on the objective's unique minimum,
      // where lbfgs stops at SciPy's fixed ftol of 2.2e-9, a few digits short on flat objectives.
      ...logisticCases.map((c) => ({
        kind: 'logistic',
        train: tablePath(c.table),
        C: 1 / c.lambda,
        solver: 'newton-cg',
        tol: 1e-10,
        max_iter: 1000,
      })),
      // scikit-learn's defaults.
      ...logisticCases.map((c) => ({
        kind: 'logistic',
        train: tablePath(c.table),
        C: 1 / c.lambda,
        solver: 'lbfgs',
        tol: 1e-4,
        max_iter: 100,
      })),
      ...ridgeAlphas.map((alpha) => ({ kind: 'ridge', train: paths.regression, alpha })),
      {
        kind: 'mlp',
        train: paths.moonsTrain,
        test: paths.moonsTest,
        hidden: mlp.hidden,
        epochs: mlp.epochs,
        alpha: mlp.alpha,
        learning_rate: mlp.learningRate,
        seed: 0,
      },
    ];
    const run = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(jobs), encoding: 'utf8', timeout: 120_000 });
    if (run.status !== 0) throw new Error(`sklearn_reference.py failed: ${run.stderr}`);
    references = JSON.parse(run.stdout) as unknown[];
  }, 150_000);

  afterAll(() => {
    if (directory !== '') rmSync(directory, { recursive: true, force: true });
  });

  it.each(logisticCases.map((c, i) => [c.name, i] as const))(
    'logistic regression (%s) has scikit-learn’s coefficients',
    async (_, i) => {
      const c = logisticCases[i] as (typeof logisticCases)[number];
      const table = c.table ?? iris();
      const y = labels(table);
      const tight = references[i] as LogisticReference;
      const result = await trainLogisticRegression(table.x, y, c.classes, {
        regularization: c.lambda,
        tolerance: 1e-13,
        maxIterations: 10_000,
      });
      expect(result.converged).toBe(true);
      const ours = [...result.estimator.weights.flat(), ...result.estimator.intercepts];
      const theirs = [...tight.coef.flat(), ...tight.intercept];
      expect(relativeError(ours, theirs)).toBeLessThan(1e-4);
      // And its objective is as low, to rounding and the last tiny steps L-BFGS skips.
      const objective = logisticObjective(table.x, y, c.classes, c.lambda);
      const scratch = new Float64Array(ours.length);
      expect(objective(Float64Array.from(ours), scratch)).toBeLessThanOrEqual(
        objective(Float64Array.from(theirs), scratch) * (1 + 1e-9),
      );

      // At both libraries' default tolerance the predicted classes agree.
      const loose = references[logisticCases.length + i] as LogisticReference;
      const defaults = await trainLogisticRegression(table.x, y, c.classes, { regularization: c.lambda });
      const reference = {
        kind: 'linear',
        link: c.classes === 2 ? 'logistic' : 'softmax',
        weights: loose.coef,
        intercepts: loose.intercept,
      } as const;
      const agree = accuracy(
        predictLinear(defaults.estimator, table.x),
        labels({ x: table.x, y: argmax(predictLinear(reference, table.x), c.classes) }),
        c.classes,
      );
      expect(agree).toBeGreaterThanOrEqual(0.99);
    },
  );

  it.each(ridgeAlphas.map((alpha, i) => [alpha, i] as const))(
    'ridge (α = %d) equals scikit-learn’s Ridge',
    async (alpha, i) => {
      const reference = references[2 * logisticCases.length + i] as { coef: number[]; intercept: number };
      const { estimator } = await trainLinearRegression(regression.x, regression.y, { regularization: alpha });
      expect(relativeError(estimator.weights[0] as number[], reference.coef)).toBeLessThan(1e-6);
      expect(Math.abs((estimator.intercepts[0] as number) - reference.intercept)).toBeLessThan(
        1e-6 * Math.abs(reference.intercept),
      );
    },
  );

  it('the MLP classifies half-moons as accurately as MLPClassifier', async () => {
    const reference = references[2 * logisticCases.length + ridgeAlphas.length] as { accuracy: number };
    const result = await trainMlp(
      moonsTrain.x,
      { kind: 'classification', y: labels(moonsTrain), classCount: 2 },
      {
        hiddenLayers: mlp.hidden,
        epochs: mlp.epochs,
        l2: mlp.alpha,
        learningRate: mlp.learningRate,
        validationFraction: 0,
      },
    );
    const ours = accuracy(predictMlp(result.estimator, moonsTest.x), labels(moonsTest), 2);
    expect(reference.accuracy).toBeGreaterThan(0.9);
    expect(ours).toBeGreaterThan(reference.accuracy - 0.03);
  });
});

function argmax(probabilities: Float64Array, classes: number): Float64Array {
  const rows = probabilities.length / classes;
  return Float64Array.from({ length: rows }, (_, r) => {
    let best = 0;
    for (let k = 1; k < classes; k++)
      if ((probabilities[r * classes + k] as number) > (probabilities[r * classes + best] as number)) best = k;
    return best;
  });
}
