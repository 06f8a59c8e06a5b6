import { type OnnxModelInfo, OUTPUTS } from '@loom/onnx';
import { describe, elementsToTensor } from './oip-elements.ts';
import { DEFAULT_MAX_ROWS, type DecodeOptions, isRecord, requestId } from './oip-request.ts';
import { jsonElements } from './oip-response.ts';
import type { OipDatatype, OipModelMetadata, ResponseHeader } from './oip-types.ts';
import { RequestError } from './request-error.ts';
import type { Tensor, Tensors } from './tensor.ts';

/** A rows request, checked and turned into feeds. */
export interface DecodedRowsRequest {
  id?: string;
  feeds: Tensors;
  rows: number;
}

/** One row's prediction: the label and a probability per class for a classifier, the value for a regressor. */
export type RowPrediction = { label: string | number; probabilities: Record<string, number> } | { value: number };

/** The answer to a rows request. */
export interface RowsResponse {
  model_name: string;
  model_version: string;
  id?: string;
  predictions: RowPrediction[];
}

/**
 * Turns the row form that users of Loom's tables expect, `{ id?, rows: [{ column: value }, …] }`, into
 * feeds: one column per model input, `null` for a missing value. Every row needs every input column
 * (a misspelt column is then an error, not a silent NULL); other keys, such as the label or an id
 * column copied along with the row, are ignored. Throws a {@link RequestError} naming the row and
 * column.
 *
 * @example
 * const { feeds } = decodeRowsRequest({ rows: [{ sepal_length: 5.1, sepal_width: 3.5, … }] }, metadata);
 */
export function decodeRowsRequest(
  body: unknown,
  metadata: Pick<OipModelMetadata, 'inputs'>,
  options: DecodeOptions = {},
): DecodedRowsRequest {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  if (!isRecord(body)) throw new RequestError('body', "the request must be a JSON object with a 'rows' list");
  const id = requestId(body);
  const { rows } = body;
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new RequestError('rows', `must be a non-empty list of objects, got ${describe(rows)}`);
  }
  if (rows.length > maxRows)
    throw new RequestError('rows', `${rows.length} rows is over the limit of ${maxRows} per request`);
  rows.forEach((row: unknown, r: number) => {
    if (!isRecord(row))
      throw new RequestError(`rows[${r}]`, `must be an object of column values, got ${describe(row)}`);
  });
  const feeds: Tensors = {};
  for (const input of metadata.inputs) {
    const { name } = input;
    const values = (rows as Array<Record<string, unknown>>).map((row, r) => {
      if (!(name in row)) {
        throw new RequestError(
          `rows[${r}]`,
          `has no '${name}': every row needs each input column (null for a missing value)`,
          name,
        );
      }
      return row[name];
    });
    const dims = input.shape.length === 1 ? [rows.length] : [rows.length, 1];
    feeds[name] = elementsToTensor(name, input.datatype as OipDatatype, values, dims, (r) => `rows[${r}].${name}`);
  }
  const decoded: DecodedRowsRequest = { feeds, rows: rows.length };
  if (id !== undefined) decoded.id = id;
  return decoded;
}

/**
 * The predictions of a Loom model for a rows request: per row the `label` and `probabilities`
 * (`{ class: p }`) of a classifier, or the `value` of a regressor.
 *
 * @example
 * reply.send(encodeRowsResponse({ modelName: 'iris', modelVersion: '3' }, await pool.infer(key, feeds), info));
 */
export function encodeRowsResponse(header: ResponseHeader, outputs: Tensors, info: OnnxModelInfo): RowsResponse {
  const response: RowsResponse = {
    model_name: header.modelName,
    model_version: header.modelVersion,
    predictions: info.task === 'classification' ? classifications(outputs, info) : regressions(outputs),
  };
  if (header.id !== undefined) response.id = header.id;
  return response;
}

function classifications(outputs: Tensors, info: OnnxModelInfo): RowPrediction[] {
  const classes = (info.classes ?? []).map(String);
  const labels = jsonElements(output(outputs, OUTPUTS.label)) as Array<string | number>;
  const probabilities = output(outputs, OUTPUTS.probabilities).data as Float32Array;
  // A loop rather than Object.fromEntries, which costs five times as much per row.
  return labels.map((label, r) => {
    const perClass: Record<string, number> = {};
    for (let c = 0; c < classes.length; c++)
      perClass[classes[c] as string] = probabilities[r * classes.length + c] as number;
    return { label, probabilities: perClass };
  });
}

function regressions(outputs: Tensors): RowPrediction[] {
  return Array.from(output(outputs, OUTPUTS.variable).data as Float32Array, (value) => ({ value }));
}

function output(outputs: Tensors, name: string): Tensor {
  const tensor = outputs[name];
  if (!tensor) throw new Error(`the model gave no '${name}' output: is it a Loom ONNX model?`);
  return tensor;
}
