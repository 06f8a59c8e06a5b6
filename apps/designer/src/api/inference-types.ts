/**
 * The model server's row form (`POST /v2/models/{model}/infer` with `rows`), as `@loom/serving`'s
 * `decodeRowsRequest` and `encodeRowsResponse` define it. Written out here rather than imported: the
 * designer depends on the server's reply types only, and `@loom/serving` is a Node library (worker
 * threads, onnxruntime) the browser build must never reach.
 */

/** One value of a row: a number for a number input, a string for a string input, `null` when missing. */
export type RowValue = number | string | null;

export interface InferRowsRequest {
  /** Echoed in the reply; the endpoint's canary split picks the version by it (stably). */
  id?: string;
  /** One object per row, with every input column of the model. */
  rows: Array<Record<string, RowValue>>;
}

/** A classifier's row: its label and each class's probability; a regressor's: its value. */
export type RowPrediction = { label: string | number; probabilities: Record<string, number> } | { value: number };

export interface InferRowsReply {
  model_name: string;
  /** The version that answered: OIP versions are strings (`"2"`). */
  model_version: string;
  id?: string;
  predictions: RowPrediction[];
}
