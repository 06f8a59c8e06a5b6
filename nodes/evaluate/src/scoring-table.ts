import { readFile } from 'node:fs/promises';
import type { RawColumns } from '@loom/ml';
import { OnnxPredictor } from '@loom/onnx';
import { NodeError } from '@loom/sdk';
import { readColumns, readTableInfo, type TableColumn } from '@loom/tables';

/** A table read for scoring with an ONNX model: its raw input columns and the true labels. */
export interface ScoringTable {
  predictor: OnnxPredictor;
  rows: number;
  columns: RawColumns;
  /** Classification: class index per row, −1 for a label the model never saw. */
  classIndex?: Int32Array;
  /** Regression: the true values. */
  values?: Float64Array;
  classLabels?: string[];
}

/**
 * Opens an ONNX model made by export.onnx and reads the table's columns it takes, checking that the table
 * is raw data: the model contains its own preprocessing, so a table that already went through it would
 * be transformed twice.
 */
export async function openScoringTable(
  onnxPath: string,
  tablePath: string,
  labelOverride: string | undefined,
  signal: AbortSignal,
): Promise<ScoringTable> {
  let predictor: OnnxPredictor;
  try {
    predictor = await OnnxPredictor.open(await readFile(onnxPath));
  } catch (cause) {
    throw new NodeError(`cannot open the ONNX model: ${(cause as Error).message}`, { retryable: false });
  }
  try {
    const { info } = predictor;
    const label = labelOverride !== undefined && labelOverride !== '' ? labelOverride : info.label;
    const table = await readTableInfo(tablePath);
    if (table.rowCount === 0) throw new NodeError('the table to score is empty (0 rows)', { retryable: false });
    const names = new Set(table.columns.map((column) => column.name));
    const inputNames = info.inputs.map((column) => column.name);
    const transformed = table.lineage.steps.find((step) => inputNames.includes(step.column));
    if (transformed !== undefined) {
      throw new NodeError(
        `the table's column "${transformed.column}" already went through a fitted ${transformed.kind} step, and the ONNX model applies its own preprocessing, so it would be applied twice: score the rows as they were before that step. ` +
          `If the step ran before the split, it also learnt from these test rows (data leakage): split first, fit the transforms on the split's train output, and score the split's test output as it is`,
        { retryable: false },
      );
    }
    for (const name of [...inputNames, label]) {
      if (!names.has(name)) {
        throw new NodeError(
          `the table has no column "${name}" ${name === label ? '(the label)' : '(a model input)'}; its columns are: ${[...names].join(', ')}`,
          { retryable: false },
        );
      }
    }
    const read = await readColumns(tablePath, [...new Set([...inputNames, label])], { signal });
    const columns: RawColumns = {};
    for (const source of info.inputs) {
      const column = read.columns.get(source.name) as TableColumn;
      if (column.kind !== source.kind) {
        throw new NodeError(
          `column "${source.name}" is ${column.kind === 'number' ? 'numeric' : 'text'} here but the model was trained on ${source.kind === 'number' ? 'numbers' : 'text'}`,
          { retryable: false },
        );
      }
      columns[source.name] = column.values;
    }
    const labelColumn = read.columns.get(label) as TableColumn;
    if (info.task === 'regression') {
      if (labelColumn.kind !== 'number') {
        throw new NodeError(`the label column "${label}" is text; the model predicts numbers`, { retryable: false });
      }
      return { predictor, rows: read.rowCount, columns, values: labelColumn.values };
    }
    const classes = (info.classes ?? []) as Array<string | number>;
    const index = new Map<string | number, number>(classes.map((value, i) => [value, i]));
    const classIndex = new Int32Array(read.rowCount);
    for (let r = 0; r < read.rowCount; r++) {
      const value = labelColumn.values[r];
      classIndex[r] = value === null || value === undefined ? -1 : (index.get(value) ?? -1);
    }
    return { predictor, rows: read.rowCount, columns, classIndex, classLabels: classes.map(String) };
  } catch (error) {
    await predictor.close();
    throw error;
  }
}

/**
 * Throws when the model gave no finite prediction for some rows: their inputs had missing values the
 * model has no imputation for (it was trained behind remove_rows, or on data without gaps). Names the
 * columns, the count and the first row, and the fix.
 */
export function checkPredictionsFinite(
  scoring: Pick<ScoringTable, 'columns'>,
  rows: number,
  outputs: Float64Array,
): void {
  const width = outputs.length / rows;
  let bad = 0;
  let first = -1;
  const culprits = new Set<string>();
  for (let r = 0; r < rows; r++) {
    let finite = true;
    for (let o = 0; o < width; o++) if (!Number.isFinite(outputs[r * width + o] as number)) finite = false;
    if (finite) continue;
    bad++;
    if (first < 0) first = r;
    for (const [name, values] of Object.entries(scoring.columns)) {
      if (values instanceof Float64Array && Number.isNaN(values[r] as number)) culprits.add(name);
    }
  }
  if (bad === 0) return;
  const named = culprits.size > 0 ? ` in ${[...culprits].map((c) => JSON.stringify(c)).join(', ')}` : '';
  throw new NodeError(
    `${bad} row${bad === 1 ? '' : 's'} (the first is row ${first + 1}) ha${bad === 1 ? 's' : 've'} missing values${named} that the model cannot fill: it was not trained behind an imputation (transform.clean_missing with mean, median, most_frequent or constant); impute in training, or drop those rows with transform.clean_missing before scoring`,
    { retryable: false },
  );
}

/** Rows with a known numeric label (regression), as indices; rows with a missing label are left out. */
export function finiteLabelRows(values: Float64Array): Int32Array {
  return rowsWhere(values.length, (row) => Number.isFinite(values[row] as number));
}

/** The rows whose label the model knows, as indices; rows with unseen or missing labels are left out. */
export function knownLabelRows(classIndex: Int32Array): Int32Array {
  return rowsWhere(classIndex.length, (row) => (classIndex[row] as number) >= 0);
}

function rowsWhere(length: number, keep: (row: number) => boolean): Int32Array {
  const rows: number[] = [];
  for (let row = 0; row < length; row++) if (keep(row)) rows.push(row);
  return Int32Array.from(rows);
}
