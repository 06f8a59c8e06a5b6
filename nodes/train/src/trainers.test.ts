import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { CategoryProfile, DataProfile, NumberProfile } from '@loom/drift';
import { type ModelFile, predictModel } from '@loom/ml';
import { runNode } from '@loom/sdk/testing';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linearRegression, logisticRegression, mlp, randomForest } from './index.ts';

const IRIS = fileURLToPath(new URL('../../../examples/iris-classification/iris.csv', import.meta.url));

let tables: TableFixtures;
beforeAll(async () => {
  tables = await TableFixtures.create();
});
afterAll(() => tables.close());

async function readModel(path: string): Promise<ModelFile> {
  return JSON.parse(await readFile(path, 'utf8')) as ModelFile;
}

/** 400 rows, two informative features, a noise column and a binary label. */
const BINARY = `
  SELECT x1, x2, noise, CASE WHEN 2 * x1 - x2 + 0.3 * noise > 0.1 THEN 'yes' ELSE 'no' END AS label
  FROM (SELECT sin(i * 1.7) AS x1, cos(i * 0.9) AS x2, sin(i * 12.3) AS noise FROM range(400) t(i))`;

describe('train.logistic_regression', () => {
  it('learns iris to the accuracy scikit-learn reaches, reporting the loss curve', async () => {
    const table = await tables.csv(IRIS);
    const result = await runNode(logisticRegression, { params: { label: 'species' }, inputs: { table } });
    const model = await readModel(result.outputs.model.path);
    expect(model).toMatchObject({
      format: 'loom.model',
      version: 1,
      trainedBy: 'train.logistic_regression',
      task: 'classification',
      label: 'species',
      classes: ['setosa', 'versicolor', 'virginica'],
      labelKind: 'string',
      features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    });
    expect(model.estimator).toMatchObject({ kind: 'linear', link: 'softmax' });
    expect(result.metrics.train_accuracy).toBeGreaterThanOrEqual(0.96);
    const losses = result.metricSeries.filter((m) => m.name === 'loss');
    expect(losses.length).toBeGreaterThan(3);
    expect((losses.at(-1) as { value: number }).value).toBeLessThan((losses[0] as { value: number }).value);
    expect(result.progress.length).toBeGreaterThan(0);
    // The parity sample holds raw rows of every source the features need.
    expect(Object.keys(model.sample)).toEqual(model.features);
    expect(model.sample.sepal_length?.length).toBe(150);
    // The baseline profiles every training row of the raw inputs, and the predicted species.
    const baseline = model.baseline as DataProfile;
    expect(baseline?.rows).toBe(150);
    expect(Object.keys(baseline?.features ?? {})).toEqual(model.features);
    expect(baseline?.features.sepal_length).toMatchObject({
      kind: 'number',
      count: 150,
      nullCount: 0,
      min: 4.3,
      max: 7.9,
    });
    expect((baseline.features.sepal_length as NumberProfile).mean).toBeCloseTo(5.843333, 5);
    expect(baseline?.predictions?.kind).toBe('category');
    const predicted = baseline.predictions as CategoryProfile;
    expect(predicted.top.map((t) => t.value).sort()).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(predicted.top.reduce((sum, t) => sum + t.count, 0)).toBe(150);
    await result.cleanup();
  });

  it('gives byte-identical model files for the same seed and data', async () => {
    const table = await tables.table(BINARY);
    const first = await runNode(logisticRegression, { params: { label: 'label', seed: 5 }, inputs: { table } });
    const second = await runNode(logisticRegression, { params: { label: 'label', seed: 5 }, inputs: { table } });
    expect(first.outputs.model.sha256).toBe(second.outputs.model.sha256);
    const model = await readModel(first.outputs.model.path);
    expect(model.estimator).toMatchObject({ kind: 'linear', link: 'logistic' });
    expect(model.classes).toEqual(['no', 'yes']);
    await first.cleanup();
    await second.cleanup();
  });

  it('uses only the listed features', async () => {
    const table = await tables.table(BINARY);
    const result = await runNode(logisticRegression, {
      params: { label: 'label', features: ['x1', 'x2'] },
      inputs: { table },
    });
    expect((await readModel(result.outputs.model.path)).features).toEqual(['x1', 'x2']);
    await result.cleanup();
  });
});

describe('trainers refuse bad input with a message naming the cause', () => {
  const cases: Array<[string, string, Record<string, unknown>, RegExp]> = [
    [
      'a missing label column',
      'SELECT 1.0 AS a, 2.0 AS b',
      { label: 'y' },
      /label column "y" is not in the table; its columns are: a, b/,
    ],
    [
      'a text feature never one-hot encoded',
      "SELECT i * 1.0 AS a, CASE WHEN i % 2 = 0 THEN 'red' ELSE 'blue' END AS colour, i % 2 AS y FROM range(10) t(i)",
      { label: 'y' },
      /feature column "colour" is not numeric \(VARCHAR\): encode it with transform\.one_hot/,
    ],
    ['an empty table', 'SELECT 1.0 AS a, 1 AS y WHERE false', { label: 'y' }, /training table is empty/],
    [
      'a header-only CSV (text columns, no rows)',
      "SELECT 'x' AS a, 'y' AS y WHERE false",
      { label: 'y' },
      /training table is empty \(0 rows\)/,
    ],
    [
      'a continuous label given to a classifier',
      'SELECT i * 1.0 AS a, i * 1.37 AS y FROM range(40) t(i)',
      { label: 'y' },
      /label column "y" has 40 distinct values in 40 rows: too many classes for a classifier — is this a regression\? \(set task to regression\)/,
    ],
    [
      'a missing value in a feature',
      'SELECT CASE WHEN i = 3 THEN NULL ELSE i * 1.0 END AS a, i % 2 AS y FROM range(10) t(i)',
      { label: 'y' },
      /feature column "a" has 1 missing value \(NULL or NaN; the first in row 4\): fill or drop them with transform\.clean_missing/,
    ],
    [
      'NaN in a feature',
      "SELECT CASE WHEN i = 0 THEN 'NaN'::DOUBLE ELSE i * 1.0 END AS a, i % 2 AS y FROM range(10) t(i)",
      { label: 'y' },
      /feature column "a" has 1 missing value/,
    ],
    [
      'a single-class training set',
      "SELECT i * 1.0 AS a, 'cat' AS y FROM range(10) t(i)",
      { label: 'y' },
      /label column "y" has a single class \("cat"\): a classifier needs at least two/,
    ],
    [
      'a feature that is the label',
      'SELECT i * 1.0 AS a, i % 2 AS y FROM range(10) t(i)',
      { label: 'y', features: ['a', 'y'] },
      /label column "y" is also listed in features/,
    ],
    [
      'an unknown feature',
      'SELECT i * 1.0 AS a, i % 2 AS y FROM range(10) t(i)',
      { label: 'y', features: ['b'] },
      /feature column "b" is not in the table; its columns are: a, y/,
    ],
  ];
  for (const [name, select, params, message] of cases) {
    it(`${name}`, async () => {
      const table = await tables.table(select);
      await expect(runNode(logisticRegression, { params, inputs: { table } })).rejects.toThrow(message);
    });
  }

  it('a label that was one-hot encoded', async () => {
    const table = await tables.table('SELECT i * 1.0 AS a, 1.0 AS "y=cat", 0.0 AS "y=dog" FROM range(4) t(i)', {
      sources: [
        { name: 'a', kind: 'number' },
        { name: 'y', kind: 'string' },
      ],
      steps: [{ kind: 'one_hot', column: 'y', categories: ['cat', 'dog'] }],
    });
    await expect(runNode(randomForest, { params: { label: 'y' }, inputs: { table } })).rejects.toThrow(
      /label column "y" was one-hot encoded by transform\.one_hot/,
    );
  });

  it('a classification label that was normalised', async () => {
    const table = await tables.table('SELECT i * 1.0 AS a, (i % 2 - 0.5) * 2 AS y FROM range(10) t(i)', {
      steps: [{ kind: 'scale', column: 'y', offset: 0.5, scale: 0.5 }],
    });
    await expect(runNode(mlp, { params: { label: 'y' }, inputs: { table } })).rejects.toThrow(
      /label column "y" was rescaled by transform\.normalize/,
    );
  });

  it('a text label for regression', async () => {
    const table = await tables.table("SELECT i * 1.0 AS a, 'x' || i AS y FROM range(10) t(i)");
    await expect(runNode(linearRegression, { params: { label: 'y' }, inputs: { table } })).rejects.toThrow(
      /label column "y" is text: regression needs a numeric label/,
    );
  });
});

describe('train.linear_regression', () => {
  it('recovers an exact linear relation and predicts on the label’s own scale when it was normalised', async () => {
    // y = 3a − 2b + 5, then the label is z-scored as transform.normalize would (offset 5, scale 2).
    const table = await tables.table(
      'SELECT a, b, (3 * a - 2 * b + 5 - 5) / 2 AS y FROM (SELECT i * 0.1 AS a, sin(i) AS b FROM range(50) t(i))',
      { steps: [{ kind: 'scale', column: 'y', offset: 5, scale: 2 }] },
    );
    const result = await runNode(linearRegression, { params: { label: 'y', regularization: 0 }, inputs: { table } });
    const model = await readModel(result.outputs.model.path);
    expect(model.labelScale).toEqual({ offset: 5, scale: 2 });
    const prediction = predictModel(model, { a: Float64Array.of(1), b: Float64Array.of(0.5) }, 1);
    expect(prediction.values?.[0]).toBeCloseTo(3 - 1 + 5, 5);
    expect(result.metrics.train_rmse).toBeLessThan(1e-6);
    // The baseline's predictions are on the label's own scale, as the endpoint answers.
    const labels = Array.from({ length: 50 }, (_, i) => 3 * i * 0.1 - 2 * Math.sin(i) + 5);
    const mean = labels.reduce((sum, v) => sum + v, 0) / labels.length;
    expect(model.baseline?.predictions).toMatchObject({ kind: 'number', count: 50 });
    expect(((model.baseline as DataProfile).predictions as NumberProfile).mean).toBeCloseTo(mean, 5);
    await result.cleanup();
  });
});

describe('train.random_forest', () => {
  it('classifies iris and regresses a smooth function', async () => {
    const iris = await runNode(randomForest, {
      params: { label: 'species', trees: 30 },
      inputs: { table: await tables.csv(IRIS) },
    });
    expect(iris.metrics.train_accuracy).toBeGreaterThanOrEqual(0.97);
    expect((await readModel(iris.outputs.model.path)).estimator.kind).toBe('forest');
    expect(iris.progress.at(-1)?.fraction).toBe(1);
    await iris.cleanup();

    const regression = await runNode(randomForest, {
      params: { label: 'y', task: 'regression', trees: 20 },
      inputs: { table: await tables.table('SELECT i / 100.0 AS x, sin(i / 100.0) AS y FROM range(600) t(i)') },
    });
    expect(regression.metrics.train_rmse).toBeLessThan(0.05);
    await regression.cleanup();
  });
});

describe('train.mlp', () => {
  it('learns a non-linear boundary and reports loss per epoch', async () => {
    const table = await tables.table(
      "SELECT x, y, CASE WHEN x * x + y * y < 0.5 THEN 'inside' ELSE 'outside' END AS ring FROM (SELECT sin(i * 1.3) AS x, cos(i * 2.1) AS y FROM range(600) t(i))",
    );
    const result = await runNode(mlp, {
      params: { label: 'ring', hidden_layers: [16], epochs: 300, learning_rate: 0.01, validation_fraction: 0 },
      inputs: { table },
    });
    expect(result.metrics.train_accuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.metricSeries.filter((m) => m.name === 'loss').length).toBe(result.metrics.epochs);
    await result.cleanup();
  });

  it('learns a regression whose label is in the tens of thousands without normalising it first', async () => {
    const table = await tables.table(
      'SELECT x, 50000 + 20000 * x + 5000 * sin(3 * x) AS price FROM (SELECT (i % 200) / 100.0 - 1 AS x FROM range(400) t(i))',
    );
    const result = await runNode(mlp, {
      params: { label: 'price', task: 'regression', hidden_layers: [16], epochs: 300, learning_rate: 0.01 },
      inputs: { table },
    });
    // The label's standard deviation is about 12,000: an unscaled network would be stuck near the mean.
    expect(result.metrics.train_rmse).toBeLessThan(1500);
    const model = await readModel(result.outputs.model.path);
    const prediction = predictModel(model, { x: Float64Array.of(0.5) }, 1);
    expect(prediction.values?.[0]).toBeGreaterThan(58_000);
    expect(prediction.values?.[0]).toBeLessThan(72_000);
    await result.cleanup();
  });

  it('stops when cancelled', async () => {
    const table = await tables.table('SELECT sin(i) AS x, i % 2 AS y FROM range(5000) t(i)');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by test')), 50);
    await expect(
      runNode(mlp, {
        params: { label: 'y', epochs: 100000, validation_fraction: 0 },
        inputs: { table },
        signal: controller.signal,
      }),
    ).rejects.toThrow(/cancelled by test/);
  });
});

describe('the parity sample', () => {
  it('rebuilds raw categories and values through one_hot and a later normalize of its columns', async () => {
    // What data.csv → one_hot → normalize (default columns) gives: the indicators are z-scored too.
    const table = await tables.table(
      `SELECT (i % 7) * 1.0 AS x, ((CASE WHEN i % 3 = 0 THEN 1.0 ELSE 0.0 END) - 0.34) / 0.4737 AS "c=a",
              ((CASE WHEN i % 3 = 0 THEN 0.0 ELSE 1.0 END) - 0.66) / 0.4737 AS "c=b", i % 2 AS y FROM range(30) t(i)`,
      {
        sources: [
          { name: 'x', kind: 'number' },
          { name: 'c', kind: 'string' },
          { name: 'y', kind: 'number' },
        ],
        steps: [
          { kind: 'one_hot', column: 'c', categories: ['a', 'b'] },
          { kind: 'scale', column: 'c=a', offset: 0.34, scale: 0.4737 },
          { kind: 'scale', column: 'c=b', offset: 0.66, scale: 0.4737 },
        ],
      },
    );
    const result = await runNode(logisticRegression, { params: { label: 'y' }, inputs: { table } });
    const model = await readModel(result.outputs.model.path);
    expect(model.sample.c?.slice(0, 6)).toEqual(['a', 'b', 'b', 'a', 'b', 'b']);
    expect(model.sample.x?.slice(0, 3)).toEqual([0, 1, 2]);
    // The baseline profiles the raw category, not its z-scored indicators.
    expect(model.baseline?.features.c).toMatchObject({
      kind: 'category',
      count: 30,
      top: [
        { value: 'b', count: 20 },
        { value: 'a', count: 10 },
      ],
    });
    expect(model.baseline?.features.x).toMatchObject({ kind: 'number', min: 0, max: 6 });
    await result.cleanup();
  });
});
