import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type FittedStep,
  type ModelFile,
  matrixFromColumns,
  trainLinearRegression,
  trainLogisticRegression,
  trainRandomForest,
} from '@loom/ml';
import { checkWithOnnxChecker } from '@loom/onnx/testing';
import type { ArtifactRef, MetricMatrix } from '@loom/sdk';
import { runNode } from '@loom/sdk/testing';
import { readColumns } from '@loom/tables';
import { TableFixtures } from '@loom/tables/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, permutationImportance, validateModel } from './index.ts';
import { MAX_CURVE_POINTS, thinCurve } from './validate-model.ts';

const IRIS = fileURLToPath(new URL('../../../examples/iris-classification/iris.csv', import.meta.url));
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const CLASSES = ['setosa', 'versicolor', 'virginica'];

let tables: TableFixtures;
let iris: ArtifactRef;
beforeAll(async () => {
  tables = await TableFixtures.create();
  iris = await tables.csv(IRIS);
});
afterAll(() => tables.close());

/** A model trained behind a z-score of every feature, as the nodes would make it. */
async function irisModel(kind: 'linear' | 'forest'): Promise<ModelFile> {
  const { columns } = await readColumns(iris.path, [...FEATURES, 'species']);
  const raw = FEATURES.map((name) => (columns.get(name) as { values: Float64Array }).values);
  const steps: FittedStep[] = raw.map((values, i) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    return { kind: 'scale', column: FEATURES[i] as string, offset: mean, scale: std };
  });
  const scaled = raw.map((values, i) => {
    const step = steps[i] as FittedStep & { kind: 'scale' };
    return values.map((v) => (v - step.offset) / step.scale);
  });
  const species = (columns.get('species') as { values: string[] }).values;
  const y = Int32Array.from(species, (s) => CLASSES.indexOf(s));
  const estimator =
    kind === 'linear'
      ? (await trainLogisticRegression(matrixFromColumns(scaled), y, 3)).estimator
      : (await trainRandomForest(scaled, { kind: 'classification', y, classCount: 3 }, { trees: 10, seed: 1 }))
          .estimator;
  return {
    format: 'loom.model',
    version: 1,
    trainedBy: kind === 'linear' ? 'train.logistic_regression' : 'train.random_forest',
    task: 'classification',
    label: 'species',
    classes: CLASSES,
    labelKind: 'string',
    lineage: {
      format: 'loom.lineage',
      version: 1,
      sources: [...FEATURES.map((name) => ({ name, kind: 'number' as const })), { name: 'species', kind: 'string' }],
      steps,
    },
    features: FEATURES,
    estimator,
    sample: Object.fromEntries(FEATURES.map((name, i) => [name, Array.from((raw[i] as Float64Array).slice(0, 40))])),
    training: { rows: 150, seed: 1, params: {} },
  };
}

async function modelArtifact(model: ModelFile): Promise<ArtifactRef> {
  const path = `${tables.directory}/model-${Math.random().toString(36).slice(2)}.json`;
  const text = JSON.stringify(model);
  await writeFile(path, text);
  return { sha256: 'test', size: text.length, path };
}

describe('export.onnx', () => {
  for (const kind of ['linear', 'forest'] as const) {
    it(`exports a ${kind} model with its preprocessing, checks parity, and is byte-identical on a rebuild`, async () => {
      const model = await modelArtifact(await irisModel(kind));
      const first = await runNode(exportOnnx, { inputs: { model } });
      const second = await runNode(exportOnnx, { inputs: { model } });
      expect(first.outputs.onnx.sha256).toBe(second.outputs.onnx.sha256);
      expect(first.metrics.parity_max_abs_difference).toBeLessThanOrEqual(1e-4);
      expect(first.metrics.parity_rows).toBeGreaterThanOrEqual(40);
      const checked = await checkWithOnnxChecker(await readFile(first.outputs.onnx.path));
      if (checked.available || process.env.CI) expect(checked).toMatchObject({ available: true, ok: true });
      await first.cleanup();
      await second.cleanup();
    });
  }

  it('fails the step when parity does not hold within the tolerance', async () => {
    const model = await modelArtifact(await irisModel('linear'));
    // float32 inference cannot match float64 to 1e-15: the check must notice.
    await expect(runNode(exportOnnx, { params: { tolerance: 1e-15 }, inputs: { model } })).rejects.toThrow(
      /ONNX parity check failed: outputs differ by up to .* on \d+ sample rows, above the tolerance 1e-15/,
    );
  });

  it('refuses a file that is not a Loom model', async () => {
    const path = `${tables.directory}/not-a-model.json`;
    await writeFile(path, '{"hello": 1}');
    await expect(runNode(exportOnnx, { inputs: { model: { sha256: 'x', size: 12, path } } })).rejects.toThrow(
      /not a Loom model file/,
    );
  });
});

describe('validate.model and explain.permutation_importance', () => {
  let onnx: ArtifactRef;
  beforeAll(async () => {
    const exported = await runNode(exportOnnx, { inputs: { model: await modelArtifact(await irisModel('linear')) } });
    onnx = exported.outputs.onnx;
  });

  it('scores a classifier: accuracy, F1, confusion matrix, ROC AUC, log loss and speed', async () => {
    const result = await runNode(validateModel, { inputs: { onnx, table: iris } });
    const metrics = result.outputs.metrics;
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(metrics.f1_macro).toBeGreaterThanOrEqual(0.95);
    expect(metrics.roc_auc).toBeGreaterThan(0.98);
    expect(metrics.log_loss).toBeGreaterThan(0);
    expect(metrics['support/setosa']).toBe(50);
    const confusion = metrics.confusion_matrix as MetricMatrix;
    expect(confusion.labels).toEqual(CLASSES);
    expect(confusion.values.flat().reduce((a, b) => a + b, 0)).toBe(150);
    expect(metrics['roc_curve/setosa']).toMatchObject({ kind: 'curve' });
    expect(metrics.rows_per_second).toBeGreaterThan(0);
    expect(metrics.latency_single_row_ms).toBeGreaterThan(0);
    expect(Object.keys(result.metrics).slice(0, 2)).toEqual(['accuracy', 'f1_macro']);
  });

  it('fails its quality gate naming the metric, its value and the bound', async () => {
    await expect(
      runNode(validateModel, { params: { min_accuracy: 0.999, max_rmse: 1 }, inputs: { onnx, table: iris } }),
    ).rejects.toThrow(
      /quality gate failed: accuracy 0\.\d+ is below min_accuracy 0\.999; max_rmse applies to regression models/,
    );
  });

  it('refuses a table that already went through the model’s preprocessing', async () => {
    const normalised = await tables.table(`SELECT * FROM read_csv('${IRIS}')`, {
      steps: [{ kind: 'scale', column: 'petal_length', offset: 3, scale: 2 }],
    });
    await expect(runNode(validateModel, { inputs: { onnx, table: normalised } })).rejects.toThrow(
      /column "petal_length" already went through a fitted scale step/,
    );
  });

  it('names a model input the table lacks', async () => {
    const table = await tables.table(`SELECT * EXCLUDE (petal_width) FROM read_csv('${IRIS}')`);
    await expect(runNode(validateModel, { inputs: { onnx, table } })).rejects.toThrow(
      /the table has no column "petal_width" \(a model input\)/,
    );
  });

  it('ranks the petal measurements above the sepal ones, with a spread', async () => {
    const result = await runNode(permutationImportance, { params: { repeats: 4 }, inputs: { onnx, table: iris } });
    const m = result.outputs.metrics as Record<string, number>;
    expect(m['importance/petal_length']).toBeGreaterThan(m['importance/sepal_length'] as number);
    expect(m['importance/petal_width']).toBeGreaterThan(m['importance/sepal_width'] as number);
    expect(m['importance_std/petal_length']).toBeGreaterThanOrEqual(0);
    expect(m.baseline_score).toBeGreaterThanOrEqual(0.95);
    const again = await runNode(permutationImportance, { params: { repeats: 4 }, inputs: { onnx, table: iris } });
    expect(again.outputs.metrics).toEqual(result.outputs.metrics);
  });
});

describe('thinCurve', () => {
  it('keeps a long ROC curve to MAX_CURVE_POINTS points, ends included, and leaves short ones alone', () => {
    const n = 54_185;
    const curve = {
      kind: 'curve' as const,
      x: Array.from({ length: n }, (_, i) => i / (n - 1)),
      y: Array.from({ length: n }, (_, i) => Math.sqrt(i / (n - 1))),
    };
    const thin = thinCurve(curve);
    expect(thin.x).toHaveLength(MAX_CURVE_POINTS);
    expect([thin.x[0], thin.y[0], thin.x.at(-1), thin.y.at(-1)]).toEqual([0, 0, 1, 1]);
    expect(thin.x.every((value, i) => i === 0 || value > (thin.x[i - 1] as number))).toBe(true);
    const short = { kind: 'curve' as const, x: [0, 0.5, 1], y: [0, 0.8, 1] };
    expect(thinCurve(short)).toBe(short);
  });
});

describe('scoring rows with gaps', () => {
  /** petal_width ≈ linear in petal_length, with no imputation in its lineage. */
  async function regressionOnnx(): Promise<ArtifactRef> {
    const { columns } = await readColumns(iris.path, ['petal_length', 'petal_width']);
    const x = (columns.get('petal_length') as { values: Float64Array }).values;
    const y = (columns.get('petal_width') as { values: Float64Array }).values;
    const { estimator } = await trainLinearRegression(matrixFromColumns([x]), y, { regularization: 0 });
    const model: ModelFile = {
      format: 'loom.model',
      version: 1,
      trainedBy: 'train.linear_regression',
      task: 'regression',
      label: 'petal_width',
      labelKind: 'number',
      lineage: { format: 'loom.lineage', version: 1, sources: [{ name: 'petal_length', kind: 'number' }], steps: [] },
      features: ['petal_length'],
      estimator,
      sample: { petal_length: Array.from(x.slice(0, 20)) },
      training: { rows: 150, seed: 0, params: {} },
    };
    const exported = await runNode(exportOnnx, { inputs: { model: await modelArtifact(model) } });
    return exported.outputs.onnx;
  }

  it('skips rows without a label value in a regression, and says so', async () => {
    const onnx = await regressionOnnx();
    const table = await tables.table(
      `SELECT petal_length, CASE WHEN row_number() OVER () % 10 = 0 THEN NULL ELSE petal_width END AS petal_width FROM read_csv('${IRIS}')`,
    );
    const result = await runNode(validateModel, { inputs: { onnx, table } });
    expect(result.outputs.metrics.scored_rows).toBe(135);
    expect(result.outputs.metrics.r2).toBeGreaterThan(0.9);
    expect(result.logs.map((l) => l.message)).toContain('15 rows have no label value and were not scored');
    const importance = await runNode(permutationImportance, { inputs: { onnx, table } });
    expect(importance.outputs.metrics.rows).toBe(135);
  });

  it('names the input columns whose missing values the model cannot fill', async () => {
    const onnx = await regressionOnnx();
    const table = await tables.table(
      `SELECT CASE WHEN row_number() OVER () IN (3, 7) THEN NULL ELSE petal_length END AS petal_length, petal_width FROM read_csv('${IRIS}')`,
    );
    const message =
      /2 rows \(the first is row 3\) have missing values in "petal_length" that the model cannot fill: it was not trained behind an imputation/;
    await expect(runNode(validateModel, { inputs: { onnx, table } })).rejects.toThrow(message);
    await expect(runNode(permutationImportance, { inputs: { onnx, table } })).rejects.toThrow(message);
  });
});
