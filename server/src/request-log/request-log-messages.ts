import type { RequestLogBatch } from './request-log-batch.ts';

/** Messages from the request log to its writer thread. Every one carries an id its answer repeats. */
export type ToWriterMessage =
  /** Write the batch to `<folder>/<name>`, through `<folder>/.<name>.tmp`. */
  | { kind: 'write'; id: number; batch: RequestLogBatch; folder: string; name: string }
  /** Close DuckDB and end the thread. */
  | { kind: 'close'; id: number };

/** Messages from the writer thread. */
export type FromWriterMessage =
  | { kind: 'written'; id: number; rows: number }
  /** `code`: the error's code (`ENOSPC`, `EACCES`) when it had one. */
  | { kind: 'failed'; id: number; message: string; code?: string }
  | { kind: 'closed'; id: number };
