import { readFileSync } from 'node:fs';
import {
  type Estimator,
  type ModelFile,
  matrixFromColumns,
  sourceLineage,
  trainLinearRegression,
  trainLogisticRegression,
} from '@loom/ml';
import { buildOnnxModel } from '@loom/onnx';

/** A model trained on one of the repository's example data sets, and its ONNX bytes. */
export interface TrainedExample {
  model: ModelFile;
  onnx: Uint8Array;
  /** The data set's feature columns, every row. */
  columns: Record<string, Float64Array>;
  rows: number;
}

const examples = new URL('../../../../examples/', import.meta.url);

/** Numeric CSV columns by name, plus the named text column kept as strings. */
function readCsv(file: string, textColumn?: string): { numbers: Map<string, number[]>; text: string[] } {
  const [header, ...lines] = readFileSync(new URL(file, examples), 'utf8').trim().split('\n');
  const names = (header as string).split(',');
  const numbers = new Map(names.filter((n) => n !== textColumn).map((n) => [n, [] as number[]]));
  const text: string[] = [];
  for (const line of lines) {
    line.split(',').forEach((cell, i) => {
      const name = names[i] as string;
      if (name === textColumn) text.push(cell);
      else numbers.get(name)?.push(Number(cell));
    });
  }
  return { numbers, text };
}

function modelFile(
  trainedBy: string,
  features: string[],
  estimator: Estimator,
  target: Pick<ModelFile, 'task' | 'label' | 'labelKind'> & { classes?: string[] },
  rows: number,
): ModelFile {
  return {
    format: 'loom.model',
    version: 1,
    trainedBy,
    ...target,
    lineage: sourceLineage(features.map((name) => ({ name, kind: 'number' as const }))),
    features,
    estimator,
    sample: {},
    training: { rows, seed: 1, params: {} },
  };
}

/**
 * Logistic regression on `examples/iris-classification/iris.csv`: four number inputs, three string
 * classes. The model the speed goals name.
 */
export async function irisExample(): Promise<TrainedExample> {
  const { numbers, text } = readCsv('iris-classification/iris.csv', 'species');
  const classes = [...new Set(text)].sort();
  const columns = Object.fromEntries([...numbers].map(([name, values]) => [name, Float64Array.from(values)]));
  const features = Object.keys(columns);
  const y = Int32Array.from(text, (label) => classes.indexOf(label));
  const { estimator } = await trainLogisticRegression(
    matrixFromColumns(features.map((f) => columns[f] as Float64Array)),
    y,
    classes.length,
  );
  const model = modelFile(
    'train.logistic_regression',
    features,
    estimator,
    { task: 'classification', label: 'species', labelKind: 'string', classes },
    y.length,
  );
  return { model, onnx: buildOnnxModel(model), columns, rows: y.length };
}

/** Linear regression on `examples/diabetes-regression/diabetes.csv`: ten number inputs, one value. */
export async function diabetesExample(): Promise<TrainedExample> {
  const { numbers } = readCsv('diabetes-regression/diabetes.csv');
  const target = Float64Array.from(numbers.get('progression') ?? []);
  numbers.delete('progression');
  const columns = Object.fromEntries([...numbers].map(([name, values]) => [name, Float64Array.from(values)]));
  const features = Object.keys(columns);
  const { estimator } = await trainLinearRegression(
    matrixFromColumns(features.map((f) => columns[f] as Float64Array)),
    target,
  );
  const model = modelFile(
    'train.linear_regression',
    features,
    estimator,
    { task: 'regression', label: 'progression', labelKind: 'number' },
    target.length,
  );
  return { model, onnx: buildOnnxModel(model), columns, rows: target.length };
}

/** One float32 `[rows, 1]` feed per column, rows `start` to `end`, as the pool takes them. */
export function numberFeeds(
  columns: Record<string, Float64Array>,
  start: number,
  end: number,
): Record<string, { type: 'float32'; data: Float32Array; dims: number[] }> {
  const feeds: Record<string, { type: 'float32'; data: Float32Array; dims: number[] }> = {};
  for (const [name, values] of Object.entries(columns)) {
    feeds[name] = { type: 'float32', data: Float32Array.from(values.subarray(start, end)), dims: [end - start, 1] };
  }
  return feeds;
}
