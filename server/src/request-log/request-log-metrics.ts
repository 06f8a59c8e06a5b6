import { Counter, type Registry } from 'prom-client';

/** Why rows of the request log were not written. */
export type RequestLogDropReason =
  /** The buffer held `maxBufferedRows` already: writes fell behind, or the disk is slow. */
  | 'buffer_full'
  /** The Parquet write failed (disk full, folder not writable); the batch's rows are lost. */
  | 'write_failed'
  /** The entry could not be logged: an invalid model name, version or time. */
  | 'invalid_entry'
  /** Recorded after `close()`. */
  | 'closed';

export interface RequestLogCounters {
  written: Counter<'model'>;
  dropped: Counter<'model' | 'reason'>;
}

const WRITTEN = 'loom_request_log_rows_written_total';
const DROPPED = 'loom_request_log_rows_dropped_total';

/**
 * The request log's counters on `registry`. A second log on the same registry (an app that replaces its
 * log) shares the counters already there instead of failing to register them twice.
 */
export function requestLogCounters(registry: Registry): RequestLogCounters {
  const written =
    (registry.getSingleMetric(WRITTEN) as Counter<'model'> | undefined) ??
    new Counter({
      name: WRITTEN,
      help: 'Rows of inference requests written to the request log, by model.',
      labelNames: ['model'],
      registers: [registry],
    });
  const dropped =
    (registry.getSingleMetric(DROPPED) as Counter<'model' | 'reason'> | undefined) ??
    new Counter({
      name: DROPPED,
      help: 'Rows of inference requests the request log did not write, by model and reason.',
      labelNames: ['model', 'reason'],
      registers: [registry],
    });
  return { written, dropped };
}
