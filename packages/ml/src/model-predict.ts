import { argmaxRows } from './argmax.ts';
import { predictEstimator } from './estimator-predict.ts';
import type { FeatureMatrix } from './feature-matrix.ts';
import { type ColumnKind, type FittedStep, oneHotColumnName, type SourceColumn } from './lineage.ts';
import type { Estimator, ModelFile } from './model-format.ts';

/**
 * Raw source columns by name, as a data source produced them: numbers as `Float64Array` (NaN is NULL),
 * strings as arrays (`null` is NULL). Columns may be longer than the row count; extra rows are ignored.
 */
export type RawColumns = Record<string, Float64Array | ReadonlyArray<string | null>>;

/** What {@link predictModel} returns; which fields are set depends on the task. */
export interface ModelPrediction {
  /** Classification: rows × classes, row-major, in `model.classes` order. */
  probabilities?: Float64Array;
  /** Regression: one value per row, on the label's own scale (after `labelScale`). */
  values?: Float64Array;
  /** Classification: the index into `model.classes` of each row's most probable class (the first, on ties). */
  classIndex?: Int32Array;
}

/** The part of a model's lineage its features depend on. */
export interface FeatureLineage {
  /** The source columns the features need, in `lineage.sources` order. */
  sources: SourceColumn[];
  /** The steps that act on those columns, in lineage order. */
  steps: FittedStep[];
}

/**
 * Walks the lineage and keeps only what the features need: sources whose columns (or one-hot columns)
 * end up in `model.features`, and the steps acting on them. Throws when the lineage is inconsistent: a
 * step on a missing column or of the wrong kind, a one-hot column that collides with another column, a
 * feature that no column provides, or a feature that is still a string.
 *
 * @example
 * featureLineage(model).sources // [{ name: 'age', kind: 'number' }, { name: 'city', kind: 'string' }]
 */
export function featureLineage(model: ModelFile): FeatureLineage {
  const { sources, steps } = model.lineage;
  // The live columns after each step: name → the source it derives from, and its kind.
  const live = new Map<string, { source: string; kind: ColumnKind }>();
  for (const source of sources) {
    if (live.has(source.name)) throw new Error(`lineage lists source column '${source.name}' twice`);
    live.set(source.name, { source: source.name, kind: source.kind });
  }
  const stepSources: string[] = [];
  steps.forEach((step, index) => {
    const column = live.get(step.column);
    const where = `lineage step ${index + 1} (${step.kind} '${step.column}')`;
    if (!column) throw new Error(`${where} reads a column that does not exist at that point`);
    const needs: ColumnKind = step.kind === 'impute' || step.kind === 'scale' ? 'number' : 'string';
    if (column.kind !== needs)
      throw new Error(`${where} needs a ${needs} column, but '${step.column}' is ${column.kind}`);
    stepSources.push(column.source);
    if (step.kind === 'one_hot') {
      live.delete(step.column);
      for (const category of step.categories) {
        const name = oneHotColumnName(step.column, category);
        if (live.has(name)) throw new Error(`${where} makes column '${name}', which already exists`);
        live.set(name, { source: column.source, kind: 'number' });
      }
    }
  });
  const needed = new Set<string>();
  for (const feature of model.features) {
    const column = live.get(feature);
    if (!column) throw new Error(`feature '${feature}' is not a column of the preprocessed table`);
    if (column.kind !== 'number') throw new Error(`feature '${feature}' is a string column; it needs a one_hot step`);
    needed.add(column.source);
  }
  return {
    sources: sources.filter((source) => needed.has(source.name)),
    steps: steps.filter((_, index) => needed.has(stepSources[index] as string)),
  };
}

/**
 * The lineage sources the model's features depend on, in `lineage.sources` order: the columns a caller
 * must supply to {@link predictModel}, and the inputs of the exported ONNX graph.
 */
export function requiredSources(model: ModelFile): SourceColumn[] {
  return featureLineage(model).sources;
}

type Column = { kind: 'number'; values: Float64Array } | { kind: 'string'; values: ReadonlyArray<string | null> };

/**
 * Applies the model's fitted preprocessing to raw source columns and returns the estimator's input, with
 * the columns in `model.features` order.
 *
 * PAIRED WITH `@loom/onnx` (preprocess-graph.ts): the arithmetic emulates, step for step, what the ONNX
 * graph computes in float32, so that tree ensembles take the same branches in both. Every number is
 * rounded to float32 after each operation, as the graph's float tensors are: inputs are rounded;
 * `impute` is `Where(IsNaN(x), value, x)`; `scale` is `Sub` then `Div`, each rounded; one-hot gives 0/1.
 *
 * @example
 * const x = preprocess(model, { age: new Float64Array([31, NaN]), city: ['Oslo', null] }, 2);
 */
export function preprocess(model: ModelFile, columns: RawColumns, rows: number): FeatureMatrix {
  const { sources, steps } = featureLineage(model);
  const table = new Map<string, Column>();
  for (const source of sources) table.set(source.name, readSource(source, columns, rows));
  for (const step of steps) applyStep(table, step, rows);
  const cols = model.features.length;
  const data = new Float64Array(rows * cols);
  model.features.forEach((feature, c) => {
    // featureLineage has checked that every feature is a live number column.
    const values = (table.get(feature) as Column).values as Float64Array;
    for (let r = 0; r < rows; r++) data[r * cols + c] = values[r] as number;
  });
  return { rows, cols, data };
}

/**
 * Predicts from raw source columns: {@link preprocess}, then the estimator. Classification gives
 * `probabilities` (rows × classes) and `classIndex`; regression gives `values`, mapped back through
 * `labelScale` when the label was scaled.
 *
 * @example
 * const { probabilities, classIndex } = predictModel(model, { age: ages, city: cities }, ages.length);
 */
export function predictModel(model: ModelFile, columns: RawColumns, rows: number): ModelPrediction {
  checkEstimatorFits(model);
  const x = preprocess(model, columns, rows);
  if (model.task === 'regression') {
    const values = predictEstimator(model.estimator, x, 1);
    if (model.labelScale) {
      const { offset, scale } = model.labelScale;
      for (let r = 0; r < rows; r++) values[r] = (values[r] as number) * scale + offset;
    }
    return { values };
  }
  const classes = model.classes?.length ?? 0;
  const probabilities = predictEstimator(model.estimator, x, classes);
  return { probabilities, classIndex: argmaxRows(probabilities, rows, classes) };
}

/**
 * Throws unless the estimator's outputs fit the task: one identity output for regression; for
 * classification (two classes or more), one logistic output for two classes or one output per class.
 */
export function checkEstimatorFits(model: ModelFile): void {
  const { estimator } = model;
  const width = estimatorOutputs(estimator);
  const output = estimator.kind === 'linear' ? estimator.link : estimator.kind === 'mlp' ? estimator.output : 'average';
  if (model.task === 'regression') {
    if (output !== 'identity' && output !== 'average') {
      throw new Error(`a regressor needs an identity output, not ${output}`);
    }
    if (width !== 1) throw new Error(`a regression estimator must have one output, this one has ${width}`);
    return;
  }
  const classes = model.classes?.length ?? 0;
  if (classes < 2) throw new Error(`a classifier needs at least two classes, this one has ${classes}`);
  if (output === 'identity') throw new Error('a classifier needs a logistic or softmax output, not identity');
  // A logistic output is one unit, p(class 1), for exactly two classes.
  const expected = output === 'logistic' ? 1 : classes;
  if (width !== expected || (output === 'logistic' && classes !== 2)) {
    throw new Error(`the estimator has ${width} outputs for ${classes} classes`);
  }
}

/**
 * The number of raw outputs an estimator computes: units of the last layer, leaf values per tree (1 for
 * a binary logistic model, which predicts p(class 1) only).
 */
export function estimatorOutputs(estimator: Estimator): number {
  switch (estimator.kind) {
    case 'linear':
      return estimator.weights.length;
    case 'mlp':
      return estimator.layers.at(-1)?.weights.length ?? 0;
    case 'forest': {
      const tree = estimator.trees[0];
      const leaf = tree?.feature.indexOf(-1) ?? -1;
      return leaf < 0 ? 0 : (tree?.value[leaf]?.length ?? 0);
    }
  }
}

function readSource(source: SourceColumn, columns: RawColumns, rows: number): Column {
  const raw = columns[source.name];
  if (raw === undefined) throw new Error(`missing input column '${source.name}'`);
  if (raw.length < rows) throw new Error(`input column '${source.name}' has ${raw.length} rows, expected ${rows}`);
  if (source.kind === 'number') {
    if (!(raw instanceof Float64Array)) throw new Error(`input column '${source.name}' must be a Float64Array`);
    // PAIRED WITH the ONNX graph's float inputs: the value the graph sees is the float32 nearest.
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = Math.fround(raw[r] as number);
    return { kind: 'number', values };
  }
  if (raw instanceof Float64Array) throw new Error(`input column '${source.name}' must be an array of strings`);
  return { kind: 'string', values: raw.slice(0, rows) };
}

function applyStep(table: Map<string, Column>, step: FittedStep, rows: number): void {
  // featureLineage has checked that the column exists and has the kind the step needs.
  const column = table.get(step.column) as Column;
  switch (step.kind) {
    case 'impute': {
      // PAIRED WITH Where(IsNaN(x), value, x) on float32.
      const value = Math.fround(step.value);
      const values = (column.values as Float64Array).map((x) => (Number.isNaN(x) ? value : x));
      table.set(step.column, { kind: 'number', values });
      return;
    }
    case 'scale': {
      // PAIRED WITH Sub(x, offset) then Div(·, scale) on float32: each operation rounds.
      const offset = Math.fround(step.offset);
      const scale = Math.fround(step.scale);
      const values = (column.values as Float64Array).map((x) => Math.fround(Math.fround(x - offset) / scale));
      table.set(step.column, { kind: 'number', values });
      return;
    }
    case 'impute_category': {
      const values = (column.values as ReadonlyArray<string | null>).map((x) => x ?? step.value);
      table.set(step.column, { kind: 'string', values });
      return;
    }
    case 'one_hot': {
      const values = column.values as ReadonlyArray<string | null>;
      table.delete(step.column);
      for (const category of step.categories) {
        const indicator = new Float64Array(rows);
        for (let r = 0; r < rows; r++) indicator[r] = values[r] === category ? 1 : 0;
        table.set(oneHotColumnName(step.column, category), { kind: 'number', values: indicator });
      }
      return;
    }
  }
}
