import type { RequestLogSink } from './request-log-types.ts';

/** How the model server is set up (`ServerOptions.modelServer`, `loom serve`); every field has a default. */
export interface ModelServerOptions {
  /** Inference threads (each holds every served version). @default os.availableParallelism() */
  threads?: number;
  /** Requests per version waiting for a thread; one more answers 503 with `Retry-After`. @default 256 */
  maxQueue?: number;
  /** Rows one infer request may carry; more answer 400. @default 10,000 (`DEFAULT_MAX_ROWS` of @loom/serving) */
  maxRowsPerRequest?: number;
  /** Largest infer request body, in bytes; larger ones answer 413. @default the server's `bodyLimit` */
  bodyLimit?: number;
  /**
   * How often to look for registry changes made by other processes (`loom run`, another server on the
   * same home), in ms; changes through this server's own API apply at once. 0: never. @default 500
   */
  pollIntervalMs?: number;
  /** Told of every answered inference (the request log). @default none */
  requestLog?: RequestLogSink;
}
