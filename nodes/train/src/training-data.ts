import { type FeatureMatrix, type FittedStep, matrixFromColumns, type TableLineage } from '@loom/ml';
import { type ArtifactRef, NodeError } from '@loom/sdk';
import { readColumns, readTableInfo, type TableColumn, type TableColumnInfo } from '@loom/tables';

export type TrainingTarget =
  | { kind: 'classification'; y: Int32Array; classCount: number; classes: string[] | number[] }
  | { kind: 'regression'; y: Float64Array; labelScale?: { offset: number; scale: number } };

/** A training table, checked and turned into what the kernels take. */
export interface TrainingData {
  rows: number;
  label: string;
  labelKind: 'number' | 'string';
  features: string[];
  /** One Float64Array per feature, in `features` order. */
  columns: Float64Array[];
  /** The same values row-major, for linear models and the MLP (built on first use). */
  matrix(): FeatureMatrix;
  target: TrainingTarget;
  lineage: TableLineage;
}

/** What every trainer's step context has: its `table` input and the common `label`/`features` parameters. */
export interface TrainerContext {
  inputs: { table: ArtifactRef };
  params: { label: string; features: readonly string[] };
  signal: AbortSignal;
}

/**
 * Reads a training table through the column bridge and checks everything a trainer needs, turning each
 * problem into a message that names the column and the fix: a missing label, text features that were
 * never one-hot encoded, missing values that were never cleaned, an empty table, a single class.
 */
export async function loadTrainingData(
  ctx: TrainerContext,
  task: 'classification' | 'regression',
): Promise<TrainingData> {
  const tablePath = ctx.inputs.table.path;
  const { label, features: chosen } = ctx.params;
  const info = await readTableInfo(tablePath);
  const byName = new Map(info.columns.map((column) => [column.name, column]));
  const labelInfo = byName.get(label);
  if (labelInfo === undefined) throw new NodeError(missingLabelMessage(label, info.columns, info.lineage.steps));
  if (info.rowCount === 0) throw new NodeError('the training table is empty (0 rows)');
  const features =
    chosen.length > 0 ? [...chosen] : info.columns.map((column) => column.name).filter((name) => name !== label);
  if (features.includes(label)) {
    throw new NodeError(`the label column "${label}" is also listed in features: a model cannot learn from its answer`);
  }
  if (features.length === 0) throw new NodeError(`the table has no feature columns besides the label "${label}"`);
  for (const name of features) {
    const column = byName.get(name);
    if (column === undefined) {
      throw new NodeError(
        `feature column "${name}" is not in the table; its columns are: ${listColumns(info.columns)}`,
      );
    }
    if (column.kind !== 'number') {
      const hint =
        column.kind === 'string'
          ? 'encode it with transform.one_hot, or leave it out with the features parameter'
          : 'convert it with transform.sql, or leave it out with the features parameter';
      throw new NodeError(`feature column "${name}" is not numeric (${column.type}): ${hint}`);
    }
  }

  const read = await readColumns(tablePath, [...features, label], { signal: ctx.signal });
  const columns = features.map((name) => {
    const column = read.columns.get(name) as TableColumn & { kind: 'number' };
    // The bridge has counted NULLs and NaNs already; only a failing column is scanned for the first one.
    const count = column.nullCount;
    if (count > 0) {
      const firstMissing = column.values.findIndex((value) => Number.isNaN(value));
      throw new NodeError(
        `feature column "${name}" has ${count} missing value${count === 1 ? '' : 's'} (NULL or NaN; the first in row ${firstMissing + 1}): fill or drop them with transform.clean_missing`,
      );
    }
    if (column.values.some((value) => !Number.isFinite(value))) {
      throw new NodeError(`feature column "${name}" holds an infinite value: clean it with transform.sql`);
    }
    return column.values;
  });
  const labelColumn = read.columns.get(label) as TableColumn;
  if (labelColumn.nullCount > 0) {
    throw new NodeError(
      `the label column "${label}" has ${labelColumn.nullCount} missing value${labelColumn.nullCount === 1 ? '' : 's'}: remove those rows with transform.clean_missing (strategy remove_rows)`,
    );
  }
  const target =
    task === 'classification'
      ? classificationTarget(label, labelColumn, info.lineage.steps)
      : regressionTarget(label, labelColumn, info.lineage.steps);
  let matrix: FeatureMatrix | undefined;
  return {
    rows: read.rowCount,
    label,
    labelKind: labelColumn.kind,
    features,
    columns,
    matrix: () => {
      matrix ??= matrixFromColumns(columns);
      return matrix;
    },
    target,
    lineage: info.lineage,
  };
}

function classificationTarget(label: string, column: TableColumn, steps: readonly FittedStep[]): TrainingTarget {
  if (steps.some((step) => step.column === label && step.kind === 'scale')) {
    throw new NodeError(
      `the label column "${label}" was rescaled by transform.normalize, so its classes are no longer the original labels: exclude it from normalize (its exclude parameter)`,
    );
  }
  const values: ArrayLike<number | string | null> = column.values;
  const distinct = new Set<number | string>();
  for (let i = 0; i < values.length; i++) distinct.add(values[i] as number | string);
  if (distinct.size < 2) {
    const only = [...distinct][0];
    throw new NodeError(
      `the label column "${label}" has a single class (${JSON.stringify(only)}): a classifier needs at least two`,
    );
  }
  const classes =
    column.kind === 'number'
      ? [...(distinct as Set<number>)].sort((a, b) => a - b)
      : [...(distinct as Set<string>)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // A continuous label given to a classifier would make nearly every row its own class.
  if (classes.length > 1000 || (classes.length > 20 && classes.length > values.length / 2)) {
    throw new NodeError(
      `the label column "${label}" has ${classes.length} distinct values in ${values.length} rows: too many classes for a classifier — is this a regression? (set task to regression)`,
    );
  }
  const index = new Map<number | string, number>(classes.map((value, i) => [value, i]));
  const y = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) y[i] = index.get(values[i] as number | string) as number;
  return { kind: 'classification', y, classCount: classes.length, classes };
}

function regressionTarget(label: string, column: TableColumn, steps: readonly FittedStep[]): TrainingTarget {
  if (column.kind !== 'number') {
    throw new NodeError(
      `the label column "${label}" is text: regression needs a numeric label (or use task classification)`,
    );
  }
  // A label that went through normalize is learnt on its scaled values; predictions are scaled back.
  let labelScale: { offset: number; scale: number } | undefined;
  for (const step of steps) {
    if (step.column === label && step.kind === 'scale') {
      labelScale =
        labelScale === undefined
          ? { offset: step.offset, scale: step.scale }
          : { offset: step.offset * labelScale.scale + labelScale.offset, scale: step.scale * labelScale.scale };
    }
  }
  return labelScale === undefined
    ? { kind: 'regression', y: column.values }
    : { kind: 'regression', y: column.values, labelScale };
}

function missingLabelMessage(label: string, columns: TableColumnInfo[], steps: readonly FittedStep[]): string {
  const encoded = steps.find((step) => step.kind === 'one_hot' && step.column === label);
  if (encoded !== undefined) {
    return `the label column "${label}" was one-hot encoded by transform.one_hot: leave it out of that node's columns`;
  }
  return `the label column "${label}" is not in the table; its columns are: ${listColumns(columns)}`;
}

function listColumns(columns: TableColumnInfo[]): string {
  const names = columns.map((column) => column.name);
  return names.length > 20 ? `${names.slice(0, 20).join(', ')} and ${names.length - 20} more` : names.join(', ');
}
