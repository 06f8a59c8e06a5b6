import { type OnnxModelInfo, OUTPUTS } from '@loom/onnx';
import { flattenData, type OipModelMetadata, type RowPrediction, type Tensor, type Tensors } from '@loom/serving';
import type { InferenceLogEntry } from './request-log-types.ts';

type LoggedValue = number | string | null;

/**
 * A request's input columns as the request log keeps them: the values as the client sent them (not
 * as float32 feeds), one array per input, row-aligned. Call only once the request has been decoded,
 * so its shape is known to be right.
 */
export function loggedInputs(
  body: Record<string, unknown>,
  rowForm: boolean,
  metadata: Pick<OipModelMetadata, 'inputs'>,
): InferenceLogEntry['inputs'] {
  const columns: InferenceLogEntry['inputs'] = {};
  if (rowForm) {
    const rows = body.rows as Array<Record<string, unknown>>;
    for (const { name } of metadata.inputs) columns[name] = rows.map((row) => loggedValue(row[name]));
    return columns;
  }
  for (const tensor of body.inputs as Array<{ name: string; data: unknown }>) {
    const data = Array.isArray(tensor.data) ? flattenData(tensor.data as unknown[]) : [tensor.data];
    columns[tensor.name] = data.map(loggedValue);
  }
  return columns;
}

/** The predictions of a row-form reply, as the request log keeps them. */
export function loggedRowPredictions(predictions: readonly RowPrediction[]): InferenceLogEntry['predictions'] {
  return predictions.map((prediction) =>
    'value' in prediction
      ? { value: prediction.value }
      : { label: prediction.label, probabilities: prediction.probabilities },
  );
}

/**
 * Per row, the label and class probabilities (classifier) or value (regressor) of an Open Inference
 * Protocol reply; a request that asked for some outputs only gets what they hold.
 */
export function loggedTensorPredictions(
  outputs: Tensors,
  info: OnnxModelInfo,
  rows: number,
): InferenceLogEntry['predictions'] {
  const predictions: InferenceLogEntry['predictions'] = Array.from({ length: rows }, () => ({}));
  if (info.task === 'regression') {
    const variable = outputs[OUTPUTS.variable];
    if (variable !== undefined) {
      numbersOf(variable).forEach((value, r) => {
        setAt(predictions, r, { value });
      });
    }
    return predictions;
  }
  const label = outputs[OUTPUTS.label];
  if (label !== undefined) {
    labelsOf(label).forEach((value, r) => {
      setAt(predictions, r, { label: value });
    });
  }
  const probabilities = outputs[OUTPUTS.probabilities];
  if (probabilities !== undefined) {
    const classes = (info.classes ?? []).map(String);
    const values = numbersOf(probabilities);
    for (let r = 0; r < rows; r++) {
      // A loop rather than Object.fromEntries, which costs five times as much per row.
      const perClass: Record<string, number> = {};
      for (let c = 0; c < classes.length; c++)
        perClass[classes[c] as string] = values[r * classes.length + c] as number;
      setAt(predictions, r, { probabilities: perClass });
    }
  }
  return predictions;
}

function setAt(
  predictions: InferenceLogEntry['predictions'],
  row: number,
  fields: InferenceLogEntry['predictions'][number],
): void {
  const prediction = predictions[row];
  if (prediction !== undefined) Object.assign(prediction, fields);
}

function loggedValue(value: unknown): LoggedValue {
  return typeof value === 'number' || typeof value === 'string' ? value : null;
}

function numbersOf(tensor: Tensor): number[] {
  if (tensor.type === 'string') return tensor.data.map(Number);
  if (tensor.type === 'int64') return Array.from(tensor.data, Number);
  return Array.from(tensor.data as ArrayLike<number>);
}

function labelsOf(tensor: Tensor): Array<string | number> {
  return tensor.type === 'string' ? tensor.data : numbersOf(tensor);
}
