import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Estimator,
  type ModelFile,
  matrixFromColumns,
  sourceLineage,
  trainLogisticRegression,
  trainRandomForest,
} from '@loom/ml';
import { validateModel } from '@loom/nodes-evaluate';
import { buildOnnxModel } from '@loom/onnx';
import { runNode } from '@loom/sdk/testing';
import { readColumns, TableDatabase, writeTableFromQuery } from '@loom/tables';
import * as ort from 'onnxruntime-node';
import type { BenchResult } from './bench-result.ts';

const ROWS = 200_000;
const FEATURES = 20;
const BATCH = 8192;
const names = Array.from({ length: FEATURES }, (_, i) => `f${i}`);

/** `pnpm bench validate`: rows scored per second through validate.model, beside a bare session.run loop. */
export async function benchValidate(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-validate-'));
  try {
    const db = await TableDatabase.open();
    const tablePath = join(dir, 'rows.parquet');
    const columnsSql = names.map((name, i) => `sin(i * ${(i + 1) * 0.37}) * ${i + 1} AS ${name}`).join(', ');
    await writeTableFromQuery(
      db,
      `SELECT *, CASE WHEN f0 + f1 - f2 * 0.5 + f3 * 0.25 > 0 THEN 1 ELSE 0 END AS label FROM (SELECT ${columnsSql} FROM range(${ROWS}) t(i))`,
      tablePath,
      sourceLineage([...names.map((name) => ({ name, kind: 'number' as const })), { name: 'label', kind: 'number' }]),
    );
    db.close();
    const read = await readColumns(tablePath, [...names, 'label']);
    const features = names.map((name) => (read.columns.get(name) as { values: Float64Array }).values);
    const y = Int32Array.from((read.columns.get('label') as { values: Float64Array }).values);
    const trainRows = 20_000;
    const trainColumns = features.map((column) => column.subarray(0, trainRows));
    const logistic = (await trainLogisticRegression(matrixFromColumns(trainColumns), y.subarray(0, trainRows), 2))
      .estimator;
    const forest = (
      await trainRandomForest(
        trainColumns,
        { kind: 'classification', y: y.subarray(0, trainRows), classCount: 2 },
        {
          trees: 100,
          maxDepth: 10,
          seed: 1,
        },
      )
    ).estimator;

    const rows: string[][] = [['model', 'validate.model rows/s', 'bare session.run rows/s', 'ratio']];
    const figures: BenchResult['figures'] = { rows: ROWS, batch: BATCH };
    for (const [label, estimator] of [
      ['logistic regression', logistic],
      ['random forest (100 trees, depth 10)', forest],
    ] as const) {
      const bytes = buildOnnxModel(modelFile(estimator));
      const onnxPath = join(dir, `${estimator.kind}.onnx`);
      await writeFile(onnxPath, bytes);
      const result = await runNode(validateModel, {
        inputs: {
          onnx: { sha256: estimator.kind, size: bytes.byteLength, path: onnxPath },
          table: { sha256: 'rows', size: 0, path: tablePath },
        },
      });
      const nodeRate = result.outputs.metrics.rows_per_second as number;
      await result.cleanup();
      const bareRate = await bareSessionRate(bytes, features);
      rows.push([
        label,
        Math.round(nodeRate).toLocaleString('en'),
        Math.round(bareRate).toLocaleString('en'),
        (nodeRate / bareRate).toFixed(2),
      ]);
      figures[`${estimator.kind}NodeRowsPerSecond`] = Math.round(nodeRate);
      figures[`${estimator.kind}BareRowsPerSecond`] = Math.round(bareRate);
    }
    return {
      title: `${ROWS.toLocaleString('en')} rows × ${FEATURES} features scored with onnxruntime-node`,
      rows,
      figures,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function modelFile(estimator: Estimator): ModelFile {
  return {
    format: 'loom.model',
    version: 1,
    trainedBy: estimator.kind === 'linear' ? 'train.logistic_regression' : 'train.random_forest',
    task: 'classification',
    label: 'label',
    classes: [0, 1],
    labelKind: 'number',
    lineage: sourceLineage(names.map((name) => ({ name, kind: 'number' as const }))),
    features: names,
    estimator,
    sample: {},
    training: { rows: 20_000, seed: 1, params: {} },
  };
}

/** The fastest a caller can go: one float32 tensor per input column and session.run, batch after batch. */
async function bareSessionRate(bytes: Uint8Array, features: Float64Array[]): Promise<number> {
  const session = await ort.InferenceSession.create(bytes);
  const started = performance.now();
  for (let start = 0; start < ROWS; start += BATCH) {
    const end = Math.min(start + BATCH, ROWS);
    const feeds: Record<string, ort.Tensor> = {};
    names.forEach((name, i) => {
      feeds[name] = new ort.Tensor('float32', Float32Array.from((features[i] as Float64Array).subarray(start, end)), [
        end - start,
        1,
      ]);
    });
    await session.run(feeds);
  }
  const seconds = (performance.now() - started) / 1000;
  await session.release();
  return ROWS / seconds;
}
