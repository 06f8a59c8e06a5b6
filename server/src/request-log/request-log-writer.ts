import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RequestLogBatch } from './request-log-batch.ts';
import type { FromWriterMessage, ToWriterMessage } from './request-log-messages.ts';

/** Options of a {@link RequestLogWriterThread}. */
export interface RequestLogWriterOptions {
  /**
   * A cap on the thread's JavaScript heap, in MB: a batch too large for it ends the thread (its rows
   * are lost, the next batch gets a new thread) instead of the process. @default Node's own limit
   */
  heapMb?: number;
}

interface Pending {
  resolve(rows: number): void;
  reject(error: Error): void;
  /** The temporary file the write goes through, removed here when the thread dies during it. */
  temporary: string;
}

const threadEntry = new URL('./request-log-thread.js', import.meta.url);

/**
 * The request log's writer: a worker thread that writes batches to Parquet with DuckDB, so that
 * neither DuckDB's appends nor its COPY run on the server's event loop. The thread starts at the
 * first write (a server that logs nothing starts none); it keeps the process alive only while a write
 * is pending. A thread that stops (out of memory, an uncaught error) fails the writes it had and is
 * replaced at the next write.
 *
 * @example
 * const writer = new RequestLogWriterThread();
 * const { batch, transfer } = builder.finish();
 * await writer.write(batch, transfer, folder, 'v1-20261207T091502123Z-4242-000001.parquet');
 * await writer.close();
 */
export class RequestLogWriterThread {
  readonly #heapMb: number | undefined;
  #worker: Worker | undefined;
  /** Writes sent to `#worker` and not yet answered, by message id. */
  #pending = new Map<number, Pending>();
  #nextId = 0;
  /** How many threads have stopped before being told to close. */
  #stopped = 0;

  constructor(options: RequestLogWriterOptions = {}) {
    this.#heapMb = options.heapMb;
  }

  /** Threads that stopped unasked since the writer was made. */
  get stoppedThreads(): number {
    return this.#stopped;
  }

  /**
   * Writes the batch to `<folder>/<name>` (through a temporary name); resolves with its rows once the
   * file is complete. The batch's buffers in `transfer` move to the thread: the caller's views are
   * empty afterwards. Rejects with the write's error, its `code` kept.
   */
  write(batch: RequestLogBatch, transfer: ArrayBuffer[], folder: string, name: string): Promise<number> {
    const worker = this.#thread();
    const id = this.#nextId++;
    return new Promise<number>((resolve, reject) => {
      try {
        const message: ToWriterMessage = { kind: 'write', id, batch, folder, name };
        worker.postMessage(message, transfer);
      } catch (cause) {
        reject(cause instanceof Error ? cause : new Error(String(cause)));
        return;
      }
      if (this.#pending.size === 0) worker.ref();
      this.#pending.set(id, { resolve, reject, temporary: join(folder, `.${name}.tmp`) });
    });
  }

  /** Ends the thread once the writes sent before are done; DuckDB closes with it. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (worker === undefined) return;
    this.#worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage({ kind: 'close', id: this.#nextId++ } satisfies ToWriterMessage);
    await exited;
  }

  #thread(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(threadEntry, {
      // A thread takes the process's flags, but `--input-type` (a script run with `node -e`) is refused in one.
      execArgv: process.execArgv.filter((flag) => !flag.startsWith('--input-type')),
      ...(this.#heapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: this.#heapMb } }),
    });
    worker.unref();
    const pending = new Map<number, Pending>();
    this.#pending = pending;
    let failure: Error | undefined;
    worker.on('message', (message: FromWriterMessage) => {
      const write = pending.get(message.id);
      if (write === undefined) return;
      pending.delete(message.id);
      if (pending.size === 0) worker.unref();
      if (message.kind === 'written') write.resolve(message.rows);
      else if (message.kind === 'failed')
        write.reject(Object.assign(new Error(message.message), { code: message.code }));
    });
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('exit', (exitCode) => {
      if (this.#worker === worker) {
        this.#worker = undefined;
        this.#stopped++;
      }
      if (pending.size === 0) return;
      const reason = failure?.message ?? `it exited with code ${exitCode}`;
      const code = (failure as NodeJS.ErrnoException | undefined)?.code ?? 'ERR_WRITER_STOPPED';
      const lost = [...pending.values()];
      pending.clear();
      for (const write of lost) {
        // The thread may have died between writing the temporary file and renaming it: the write
        // fails once it is gone.
        void rm(write.temporary, { force: true })
          .catch(() => undefined)
          .then(() =>
            write.reject(Object.assign(new Error(`the request log's writer thread stopped: ${reason}`), { code })),
          );
      }
    });
    this.#worker = worker;
    return worker;
  }
}
