import { hostname } from 'node:os';
import { Registry } from 'prom-client';
import type { InferenceLogEntry, RequestLogSink } from '../model-server/request-log-types.ts';
import { MODEL_NAME_PATTERN } from '../store/model-names.ts';
import { RequestLogBatchBuilder } from './request-log-batch.ts';
import { compactTime, hourStartOf, requestLogHourFolder } from './request-log-files.ts';
import { type RequestLogCounters, type RequestLogDropReason, requestLogCounters } from './request-log-metrics.ts';
import { RequestLogWriterThread } from './request-log-writer.ts';

/**
 * Names this process in its file names. Not the pid alone: model-server containers and pods sharing
 * one volume are each pid 1. The host name (a container's or pod's own) tells them apart.
 */
const WRITER_ID = `${hostname()
  .replace(/[^A-Za-z0-9_.-]+/g, '_')
  .slice(0, 63)}-${process.pid}`;

/** Where the request log reports a failing write: pino's (and so Fastify's) `warn(details, message)`. */
export interface RequestLogLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

/** Options of a {@link ParquetRequestLog}. */
export interface ParquetRequestLogOptions {
  /** The Loom home: files go under `<home>/request-logs/`. */
  home: string;
  /**
   * The share of each endpoint's requests to log, from 0 (none) to 1 (all), asked on every `record()`
   * (so keep it cheap: a lookup). A request is logged whole or not at all.
   * @default () => 1
   */
  sampleRate?: (model: string) => number;
  /**
   * The most rows held in memory, buffered or being written, over all models; a request that would go
   * past it is dropped and counted (`reason="buffer_full"`).
   * @default 10_000
   */
  maxBufferedRows?: number;
  /** A (model, version, hour) batch that reaches this many rows is written at once. @default 2_000 */
  flushRows?: number;
  /** How often buffered rows are written, in milliseconds. @default 1_000 */
  flushIntervalMs?: number;
  /**
   * Where `loom_request_log_rows_written_total{model}` and `loom_request_log_rows_dropped_total{model,reason}`
   * are registered: the server's `loomMetrics.registry`, so `/metrics` serves them.
   * @default a registry of the log's own
   */
  metricsRegistry?: Registry;
  /** Told about a failing write, once for each kind of failure (its error code, else its message). @default console */
  logger?: RequestLogLogger;
  /**
   * A cap on the writer thread's JavaScript heap, in MB: a batch too large for it ends the thread (its
   * rows are counted as `write_failed`; the next batch gets a new thread) instead of the process.
   * @default Node's own limit
   */
  writerHeapMb?: number;
}

/** What the log holds and has done since it was made. */
export interface RequestLogStats {
  /** Rows waiting in memory or being written. */
  bufferedRows: number;
  writtenRows: number;
  droppedRows: Record<RequestLogDropReason, number>;
}

const VALID_MODEL_NAME = new RegExp(MODEL_NAME_PATTERN);
const HOUR_MS = 3_600_000;

/**
 * Numbers the files this process writes. Shared by every log in the process, and the name adds the
 * pid, so two logs on one home (an app and its replacement, `loom start` and `loom serve`) never pick
 * the same name in the same millisecond.
 */
let fileSeq = 0;

const consoleLogger: RequestLogLogger = {
  warn: (details, message) => console.warn(`loom request log: ${message}`, details),
};

/**
 * The endpoints' request log: what each answered inference request asked and got, as Parquet files
 * under `<home>/request-logs/<model>/<YYYY-MM-DD>/<HH>/v<version>-<time>-<pid>-<seq>.parquet` (UTC), one
 * row per predicted row (columns: see `writeRequestLogParquet`). `record()` never waits and never throws:
 * it samples, then appends the rows, as columns of typed arrays, to an in-memory buffer bounded by
 * `maxBufferedRows`; a background flusher hands each (model, version, hour) batch to a writer thread
 * (its buffers transferred, not copied), which writes it with DuckDB to a temporary name and renames
 * it when complete, so readers never see half a file. A write that fails, or a writer thread that
 * stops, loses its batch, counted as dropped; the next batch gets a new thread. The thread starts,
 * and loads DuckDB, at the first write, not when the log is made.
 *
 * @example
 * const requestLog = new ParquetRequestLog({ home, metricsRegistry: app.loomMetrics.registry, logger: app.log });
 * app.register(modelServerRoutes, { requestLog });
 * app.addHook('onClose', () => requestLog.close());
 */
export class ParquetRequestLog implements RequestLogSink {
  readonly #home: string;
  readonly #sampleRate: (model: string) => number;
  readonly #maxBufferedRows: number;
  readonly #flushRows: number;
  readonly #logger: RequestLogLogger;
  readonly #counters: RequestLogCounters;
  readonly #timer: NodeJS.Timeout;
  readonly #writer: RequestLogWriterThread;
  /** The rows of each model version in each UTC hour, as columns: each goes to one file. */
  #batches = new Map<string, RequestLogBatchBuilder>();
  #lastBatch: RequestLogBatchBuilder | undefined;
  #lastKey = '';
  /** Rows in `#batches` plus rows being written. */
  #bufferedRows = 0;
  #writtenRows = 0;
  readonly #droppedRows: Record<RequestLogDropReason, number> = {
    buffer_full: 0,
    write_failed: 0,
    invalid_entry: 0,
    closed: 0,
  };
  readonly #reportedFailures = new Set<string>();
  #writing: Promise<void> | undefined;
  #writeAgain: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: ParquetRequestLogOptions) {
    this.#home = options.home;
    this.#sampleRate = options.sampleRate ?? (() => 1);
    this.#maxBufferedRows = positiveInteger(options.maxBufferedRows ?? 10_000, 'maxBufferedRows');
    this.#flushRows = positiveInteger(options.flushRows ?? 2_000, 'flushRows');
    const interval = positiveInteger(options.flushIntervalMs ?? 1_000, 'flushIntervalMs');
    this.#logger = options.logger ?? consoleLogger;
    this.#counters = requestLogCounters(options.metricsRegistry ?? new Registry());
    this.#writer = new RequestLogWriterThread(
      options.writerHeapMb === undefined ? {} : { heapMb: positiveInteger(options.writerHeapMb, 'writerHeapMb') },
    );
    this.#timer = setInterval(() => {
      if (this.#batches.size > 0) void this.flush();
    }, interval);
    // The flusher alone must not keep a process alive; `close()` writes what is left.
    this.#timer.unref();
  }

  /**
   * Buffers the entry's rows as columns (or drops and counts them); never throws, never waits for a
   * write. Costs a few array writes per value: it runs on every answered request.
   */
  record(entry: InferenceLogEntry): void {
    try {
      const rows = entry.predictions.length;
      if (rows === 0) return;
      const refused = this.#refusal(entry);
      if (refused !== undefined) {
        this.#drop(refused === 'invalid_entry' ? String(entry.model).slice(0, 128) : entry.model, refused, rows);
        return;
      }
      const rate = this.#sampleRate(entry.model);
      if (!(rate >= 1 || (rate > 0 && Math.random() < rate))) return;
      if (this.#bufferedRows + rows > this.#maxBufferedRows) {
        this.#drop(entry.model, 'buffer_full', rows);
        return;
      }
      const batch = this.#batchOf(entry);
      batch.add(entry);
      this.#bufferedRows += rows;
      if (batch.rows >= this.#flushRows) void this.flush();
    } catch (cause) {
      // A sampleRate that throws, or an entry shaped unlike its type (a probability that is not a
      // number): the request it came from is answered already, and the rest of its batch is kept.
      this.#reportOnce('record', cause, { model: String(entry?.model) });
      this.#drop(String(entry?.model).slice(0, 128), 'invalid_entry', entry?.predictions?.length ?? 0);
    }
  }

  /** The batch an entry goes to: most often the last one used, found without building its key. */
  #batchOf(entry: InferenceLogEntry): RequestLogBatchBuilder {
    const last = this.#lastBatch;
    const at = entry.at.getTime();
    if (
      last !== undefined &&
      last.model === entry.model &&
      last.version === entry.version &&
      at >= last.hourStart &&
      at < last.hourStart + HOUR_MS &&
      this.#batches.get(this.#lastKey) === last
    ) {
      return last;
    }
    const hourStart = hourStartOf(entry.at).getTime();
    const key = `${entry.model}\n${entry.version}\n${hourStart}`;
    let batch = this.#batches.get(key);
    if (batch === undefined) {
      batch = new RequestLogBatchBuilder(entry.model, entry.version, hourStart);
      this.#batches.set(key, batch);
    }
    this.#lastBatch = batch;
    this.#lastKey = key;
    return batch;
  }

  /**
   * Writes everything buffered now; resolves once it is on disk (or counted as dropped). Calls while a
   * write runs are coalesced into one more write after it. Never rejects.
   */
  flush(): Promise<void> {
    if (this.#writeAgain !== undefined) return this.#writeAgain;
    if (this.#writing === undefined) return this.#startWriting();
    const running = this.#writing;
    this.#writeAgain = running.then(() => {
      this.#writeAgain = undefined;
      return this.#startWriting();
    });
    return this.#writeAgain;
  }

  /** Stops the flusher, writes what is buffered and ends the writer thread; later `record()`s are counted as dropped. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#timer);
      await this.flush();
      await this.#writer.close();
    })();
    return this.#closing;
  }

  stats(): RequestLogStats {
    return { bufferedRows: this.#bufferedRows, writtenRows: this.#writtenRows, droppedRows: { ...this.#droppedRows } };
  }

  #startWriting(): Promise<void> {
    const batches = [...this.#batches.values()];
    this.#batches = new Map();
    this.#writing = this.#writeBatches(batches).finally(() => {
      this.#writing = undefined;
    });
    return this.#writing;
  }

  async #writeBatches(batches: RequestLogBatchBuilder[]): Promise<void> {
    // All handed over at once: the thread writes them one after another while this loop waits.
    await Promise.all(batches.map((batch) => this.#writeBatch(batch)));
  }

  async #writeBatch(builder: RequestLogBatchBuilder): Promise<void> {
    const { model, version, rows } = builder;
    try {
      const folder = requestLogHourFolder(this.#home, model, new Date(builder.hourStart));
      const name = `v${version}-${compactTime(new Date())}-${WRITER_ID}-${String(++fileSeq).padStart(6, '0')}.parquet`;
      const { batch, transfer } = builder.finish();
      await this.#writer.write(batch, transfer, folder, name);
      this.#writtenRows += rows;
      this.#counters.written.inc({ model }, rows);
    } catch (cause) {
      this.#reportOnce('write', cause, { model, version });
      this.#drop(model, 'write_failed', rows);
    } finally {
      this.#bufferedRows -= rows;
    }
  }

  /** Why an entry cannot be buffered at all, before sampling. */
  #refusal(entry: InferenceLogEntry): RequestLogDropReason | undefined {
    if (this.#closing !== undefined) return 'closed';
    return isLoggable(entry) ? undefined : 'invalid_entry';
  }

  #drop(model: string, reason: RequestLogDropReason, rows: number): void {
    if (rows <= 0) return;
    this.#droppedRows[reason] += rows;
    this.#counters.dropped.inc({ model, reason }, rows);
  }

  #reportOnce(stage: 'record' | 'write', cause: unknown, details: Record<string, unknown>): void {
    const error = cause instanceof Error ? cause : new Error(String(cause));
    // Messages name the file they failed on; without quoted names, one cause gives one kind.
    const kind = `${stage}:${(error as NodeJS.ErrnoException).code ?? error.message.replaceAll(/"[^"]*"|'[^']*'/g, '…')}`;
    if (this.#reportedFailures.has(kind)) return;
    this.#reportedFailures.add(kind);
    const what = stage === 'write' ? 'could not write request log rows' : 'could not record a request';
    this.#logger.warn(
      { ...details, err: error },
      `${what} (${error.message}); the rows are counted in loom_request_log_rows_dropped_total and this kind of failure is not reported again`,
    );
  }
}

function isLoggable(entry: InferenceLogEntry): boolean {
  return (
    typeof entry.model === 'string' &&
    VALID_MODEL_NAME.test(entry.model) &&
    Number.isInteger(entry.version) &&
    entry.version > 0 &&
    entry.at instanceof Date &&
    !Number.isNaN(entry.at.getTime())
  );
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`ParquetRequestLog option ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
