export interface InferenceLogEntry {
  model: string;
  version: number;
  requestId?: string;
  at: Date;
  latencyMs: number;
  /** The request's input columns, one array per input name, row-aligned. */
  inputs: Record<string, Array<number | string | null>>;
  /** Per row: the label (classification) or value (regression), and class probabilities when any. */
  predictions: Array<{ label?: string | number; value?: number; probabilities?: Record<string, number> }>;
}
export interface RequestLogSink {
  record(entry: InferenceLogEntry): void;
}
