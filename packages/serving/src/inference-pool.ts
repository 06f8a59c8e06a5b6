import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  InferenceError,
  InferenceThreadError,
  ModelLoadError,
  ModelNotLoadedError,
  OverloadedError,
} from './errors.ts';
import type { FromThreadMessage, ModelSignature, ToThreadMessage } from './pool-messages.ts';
import { type Tensors, transferableTensors } from './tensor.ts';
import { concatRows, feedRows, sameFeedLayout, splitRows } from './tensor-batch.ts';

/** Options for {@link InferencePool}. */
export interface InferencePoolOptions {
  /** Inference threads; each holds one onnxruntime session per loaded model. @default os.availableParallelism() */
  size?: number;
  /** Requests per model key waiting for a thread; one more is refused with {@link OverloadedError}. @default 256 */
  maxQueue?: number;
  /**
   * Threads onnxruntime uses inside one inference. The pool already runs one inference per core, so
   * more would make the threads fight over the cores. @default 1
   */
  intraOpThreads?: number;
  /**
   * A cap on each thread's JavaScript heap, in MB. A request too large for it ends that thread (it is
   * replaced and the request fails) instead of the process. @default Node's own limit
   */
  threadHeapMb?: number;
  /**
   * Requests of one model that queued while every thread was busy run as one inference of up to this
   * many rows, split again afterwards (1: each request runs alone). Only models whose inputs and
   * outputs all have a row dimension are batched. No request waits for others to join it: measured
   * with `pnpm bench serve-pool`, a 1 ms window lowered the throughput that batching gained. A row's
   * results may differ in the last float32 bits with the rows it was batched with. @default 64
   */
  batchRows?: number;
}

/** What a pool has done since it started. */
export interface InferencePoolStats {
  /** Requests answered (with outputs or an error from onnxruntime). */
  requests: number;
  /** `session.run` calls they took; fewer than requests when batching joined some. */
  inferences: number;
}

/**
 * Where one request's time went inside the pool, in milliseconds; filled in by
 * {@link InferencePool.infer} before its promise settles with outputs or an onnxruntime error.
 */
export interface InferTiming {
  /** From `infer()` to a thread taking the request: the wait for a free thread. */
  queueMs: number;
  /**
   * From a thread taking it to its outputs being back on the caller's thread: `session.run` plus
   * handing the tensors over. A request batched with others gets the batch's time.
   */
  inferenceMs: number;
}

/** Options for {@link InferencePool.infer}. */
export interface InferOptions {
  /** The outputs to compute. @default every output of the model */
  outputs?: string[];
  /**
   * Filled in with the request's queue and inference times, when given. The caller owns the object
   * (one per request, or reused), so timing costs no allocation in the pool.
   */
  timing?: InferTiming;
}

interface Job {
  key: string;
  feeds: Tensors;
  /** Its feeds' common first dimension, when it may join a batch. */
  rows: number | undefined;
  outputs: string[] | undefined;
  timing: InferTiming | undefined;
  /** `performance.now()` when it was queued; read only when `timing` is set. */
  queuedAt: number;
  resolve(outputs: Tensors): void;
  reject(error: Error): void;
}

interface Control {
  key: string;
  resolve(answer: FromThreadMessage): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  /** Model keys whose session this thread holds, warmed. */
  loaded: Set<string>;
  /** The inference running on it (one at a time, of one request or a batch of them), by message id. */
  job: { id: number; jobs: Job[]; rows: number[]; startedAt: number } | undefined;
  /** Loads and unloads awaiting its answer. */
  controls: Map<number, Control>;
  /** The error that ended it, when it threw one. */
  error: Error | undefined;
}

interface Model {
  state: 'loading' | 'ready' | 'unloading';
  /** Kept so that a thread replacing a crashed one can load it. */
  bytes: Uint8Array;
  signature: ModelSignature | undefined;
  /** Whether every input and output has a row dimension, so requests can be joined. */
  batchable: boolean;
  queue: Job[];
  /** Inferences of this model running on threads now. */
  running: number;
  /** Settled once an unloading model has no queued or running inference. */
  drained: (() => void) | undefined;
}

const threadEntry = new URL('./pool-thread.js', import.meta.url);

/**
 * A pool of `worker_threads`, each holding one onnxruntime-node session per loaded model, so that
 * inference never blocks the caller's event loop (a server's requests). Models are loaded under a key
 * of the caller's choosing (e.g. `iris@3`), loaded and warmed in every thread before `load` resolves,
 * so a version takes no traffic until every thread can answer for it; several keys serve side by
 * side, which lets a new version load beside the old one. Requests wait in a bounded queue per key.
 * A thread that stops (an uncaught error, out of memory) is replaced by one that loads every model
 * again; only the request it was running fails.
 *
 * @example
 * const pool = new InferencePool({ maxQueue: 64 });
 * await pool.load('iris@1', '/models/iris.onnx');
 * const { label } = await pool.infer('iris@1', {
 *   sepal_length: { type: 'float32', data: Float32Array.of(5.1), dims: [1, 1] },
 *   // …one tensor per input
 * });
 * await pool.close();
 */
export class InferencePool {
  readonly #size: number;
  readonly #maxQueue: number;
  readonly #intraOpThreads: number;
  readonly #threadHeapMb: number | undefined;
  readonly #batchRows: number;
  readonly #stats: InferencePoolStats = { requests: 0, inferences: 0 };
  readonly #threads: Thread[] = [];
  readonly #models = new Map<string, Model>();
  #nextId = 0;
  #closed = false;

  constructor(options: InferencePoolOptions = {}) {
    this.#size = options.size ?? availableParallelism();
    this.#maxQueue = options.maxQueue ?? 256;
    this.#intraOpThreads = options.intraOpThreads ?? 1;
    this.#threadHeapMb = options.threadHeapMb;
    this.#batchRows = options.batchRows ?? 64;
    if (!Number.isInteger(this.#batchRows) || this.#batchRows < 1) {
      throw new RangeError('batchRows must be a positive integer');
    }
    if (!Number.isInteger(this.#size) || this.#size < 1) throw new RangeError('size must be a positive integer');
    if (!Number.isInteger(this.#maxQueue) || this.#maxQueue < 0) {
      throw new RangeError('maxQueue must be a non-negative integer');
    }
    for (let i = 0; i < this.#size; i++) this.#threads.push(this.#startThread());
  }

  /** The number of inference threads. */
  get size(): number {
    return this.#size;
  }

  /** Model keys that take requests now. */
  keys(): string[] {
    return [...this.#models].filter(([, model]) => model.state === 'ready').map(([key]) => key);
  }

  /** What a ready model takes and gives, as onnxruntime reads it; undefined for a key that is not ready. */
  signature(key: string): ModelSignature | undefined {
    const model = this.#models.get(key);
    return model?.state === 'ready' ? model.signature : undefined;
  }

  /** Requests answered and the inferences they took, since the pool started. */
  stats(): InferencePoolStats {
    return { ...this.#stats };
  }

  /** Requests of a model waiting for a thread (not counting those running). */
  queued(key: string): number {
    return this.#models.get(key)?.queue.length ?? 0;
  }

  /**
   * Loads a model (ONNX bytes, or the path of an ONNX file) under `key` in every thread and warms it
   * with one inference, then resolves with its signature. Rejects with a {@link ModelLoadError} when the
   * file cannot be read, onnxruntime rejects it, or the warm-up fails; nothing of it stays loaded then,
   * and other keys keep serving.
   */
  async load(key: string, model: Uint8Array | string): Promise<ModelSignature> {
    this.#assertOpen();
    if (this.#models.has(key)) throw new Error(`model '${key}' is already loaded; unload it first`);
    let bytes: Uint8Array;
    try {
      bytes = typeof model === 'string' ? await readFile(model) : model;
    } catch (error) {
      throw new ModelLoadError(key, `cannot read ${model}: ${(error as Error).message}`);
    }
    if (this.#models.has(key)) throw new Error(`model '${key}' is already loaded; unload it first`);
    const entry: Model = {
      state: 'loading',
      bytes,
      signature: undefined,
      batchable: false,
      queue: [],
      running: 0,
      drained: undefined,
    };
    this.#models.set(key, entry);
    const threads = [...this.#threads];
    const answers = await Promise.allSettled(threads.map((thread) => this.#loadInto(thread, key, entry)));
    const failure = answers.find((answer) => answer.status === 'rejected');
    if (failure || this.#closed) {
      this.#models.delete(key);
      await Promise.allSettled(threads.map((thread) => this.#unloadFrom(thread, key)));
      const reason = failure ? (failure.reason as Error).message : 'the pool closed';
      throw new ModelLoadError(key, reason);
    }
    entry.signature = (answers[0] as PromiseFulfilledResult<ModelSignature>).value;
    entry.batchable = [...entry.signature.inputs, ...entry.signature.outputs].every(
      (value) => value.shape.length > 0 && typeof value.shape[0] === 'string',
    );
    entry.state = 'ready';
    this.#dispatch();
    return entry.signature;
  }

  /**
   * Stops a model taking requests, lets those already queued or running finish, then releases its
   * sessions in every thread.
   */
  async unload(key: string): Promise<void> {
    const model = this.#models.get(key);
    if (model?.state !== 'ready') throw new ModelNotLoadedError(key);
    model.state = 'unloading';
    if (model.queue.length > 0 || model.running > 0) {
      await new Promise<void>((resolve) => {
        model.drained = resolve;
      });
    }
    this.#models.delete(key);
    await Promise.allSettled(this.#threads.map((thread) => this.#unloadFrom(thread, key)));
  }

  /**
   * Runs one inference on the first free thread that holds the model. The feeds' typed arrays are
   * transferred to that thread (the caller's arrays are emptied); pass copies to keep them. Rejects with
   * {@link ModelNotLoadedError}, {@link OverloadedError} when `maxQueue` requests already wait,
   * {@link InferenceError} when onnxruntime refuses the feeds, or {@link InferenceThreadError} when the
   * thread stopped while running it.
   */
  infer(key: string, feeds: Tensors, options: InferOptions = {}): Promise<Tensors> {
    if (this.#closed) return Promise.reject(new Error('the inference pool is closed'));
    const model = this.#models.get(key);
    if (model?.state !== 'ready') {
      const detail = model?.state === 'loading' ? 'is still loading' : model ? 'is being unloaded' : 'is not loaded';
      return Promise.reject(new ModelNotLoadedError(key, detail));
    }
    if (model.queue.length >= this.#maxQueue && !this.#idleThreadFor(key)) {
      return Promise.reject(new OverloadedError(key, this.#maxQueue));
    }
    return new Promise<Tensors>((resolve, reject) => {
      const rows = this.#batchRows > 1 && model.batchable ? feedRows(feeds) : undefined;
      const { timing } = options;
      const queuedAt = timing === undefined ? 0 : performance.now();
      model.queue.push({ key, feeds, rows, outputs: options.outputs, timing, queuedAt, resolve, reject });
      this.#dispatch();
    });
  }

  /** Stops every thread; queued and running requests reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new Error('the inference pool is closed');
    for (const model of this.#models.values()) {
      for (const job of model.queue.splice(0)) job.reject(closed);
      model.drained?.();
    }
    await Promise.all(this.#threads.map((thread) => thread.worker.terminate()));
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the inference pool is closed');
  }

  #startThread(): Thread {
    const worker = new Worker(threadEntry, {
      ...(this.#threadHeapMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: this.#threadHeapMb } } : {}),
    });
    const thread: Thread = { worker, loaded: new Set(), job: undefined, controls: new Map(), error: undefined };
    worker.on('message', (message: FromThreadMessage) => this.#onMessage(thread, message));
    worker.on('error', (error) => {
      thread.error = error;
    });
    worker.on('exit', (code) => this.#onExit(thread, code));
    return thread;
  }

  #onMessage(thread: Thread, message: FromThreadMessage): void {
    if (thread.job?.id === message.id) {
      const { jobs, rows, startedAt } = thread.job;
      thread.job = undefined;
      const now = performance.now();
      for (const job of jobs) {
        this.#finished(job);
        if (job.timing !== undefined) {
          job.timing.queueMs = startedAt - job.queuedAt;
          job.timing.inferenceMs = now - startedAt;
        }
      }
      this.#stats.requests += jobs.length;
      this.#stats.inferences++;
      if (message.kind === 'result') this.#answer(jobs, rows, message.outputs);
      else if (message.kind === 'failed')
        for (const job of jobs) job.reject(new InferenceError(job.key, message.message));
      this.#dispatch();
      return;
    }
    const control = thread.controls.get(message.id);
    if (!control) return;
    thread.controls.delete(message.id);
    control.resolve(message);
  }

  #onExit(thread: Thread, code: number): void {
    const index = this.#threads.indexOf(thread);
    if (index === -1) return;
    const reason = thread.error?.message ?? `it exited with code ${code}`;
    if (thread.job) {
      const { jobs } = thread.job;
      thread.job = undefined;
      for (const job of jobs) {
        this.#finished(job);
        job.reject(new InferenceThreadError(job.key, reason));
      }
    }
    for (const control of thread.controls.values()) {
      control.reject(new Error(`the inference thread stopped while loading '${control.key}': ${reason}`));
    }
    thread.controls.clear();
    if (this.#closed) return;
    const replacement = this.#startThread();
    this.#threads[index] = replacement;
    // The replacement serves each ready model as soon as it has loaded it; the others keep serving meanwhile.
    for (const [key, model] of this.#models) {
      if (model.state !== 'ready') continue;
      this.#loadInto(replacement, key, model).then(
        () => this.#dispatch(),
        () => {
          // It loaded in every thread before; if it cannot now, this thread simply does not serve it.
        },
      );
    }
    this.#dispatch();
  }

  /** Hands queued requests to idle threads, the models taking turns. */
  #dispatch(): void {
    for (const thread of this.#threads) {
      if (thread.job) continue;
      const jobs = this.#nextJobsFor(thread);
      if (!jobs) continue;
      const head = jobs[0] as Job;
      const id = this.#nextId++;
      const rows = jobs.map((job) => job.rows ?? 0);
      try {
        const feeds = jobs.length === 1 ? head.feeds : concatRows(jobs.map((job) => job.feeds));
        const packed = transferableTensors(feeds);
        const message: ToThreadMessage = {
          kind: 'infer',
          id,
          key: head.key,
          feeds: packed.tensors,
          outputs: head.outputs,
        };
        thread.worker.postMessage(message, packed.transfer);
      } catch (error) {
        // E.g. a feed whose buffer an earlier call already transferred: only these requests fail.
        const reason = `its feeds cannot be sent to a thread: ${(error as Error).message}`;
        for (const job of jobs) job.reject(new InferenceError(job.key, reason));
        continue;
      }
      thread.job = { id, jobs, rows, startedAt: performance.now() };
      (this.#models.get(head.key) as Model).running += jobs.length;
    }
  }

  /** The next request for a thread, joined by those that can share its inference when batching. */
  #nextJobsFor(thread: Thread): Job[] | undefined {
    for (const key of thread.loaded) {
      const model = this.#models.get(key);
      if (!model || model.state === 'loading' || model.queue.length === 0) continue;
      const head = model.queue[0] as Job;
      // Moved to the back, so that busy models take turns on the threads.
      thread.loaded.delete(key);
      thread.loaded.add(key);
      const jobs = [model.queue.shift() as Job];
      let rows = head.rows ?? 0;
      while (head.rows !== undefined && model.queue.length > 0) {
        const next = model.queue[0] as Job;
        if (next.rows === undefined || rows + next.rows > this.#batchRows) break;
        if (!sameOutputs(head, next) || !sameFeedLayout(head.feeds, next.feeds)) break;
        rows += next.rows;
        jobs.push(model.queue.shift() as Job);
      }
      return jobs;
    }
    return undefined;
  }

  #answer(jobs: Job[], rows: number[], outputs: Tensors): void {
    if (jobs.length === 1) {
      (jobs[0] as Job).resolve(outputs);
      return;
    }
    let parts: Tensors[];
    try {
      parts = splitRows(outputs, rows);
    } catch (error) {
      for (const job of jobs) job.reject(new InferenceError(job.key, (error as Error).message));
      return;
    }
    jobs.forEach((job, i) => {
      job.resolve(parts[i] as Tensors);
    });
  }

  #idleThreadFor(key: string): boolean {
    return this.#threads.some((thread) => !thread.job && thread.loaded.has(key));
  }

  #finished(job: Job): void {
    const model = this.#models.get(job.key);
    if (!model) return;
    model.running--;
    if (model.state === 'unloading' && model.queue.length === 0 && model.running === 0) model.drained?.();
  }

  async #loadInto(thread: Thread, key: string, model: Model): Promise<ModelSignature> {
    const answer = await this.#control(thread, key, (id) => ({
      kind: 'load',
      id,
      key,
      bytes: model.bytes,
      intraOpThreads: this.#intraOpThreads,
    }));
    if (answer.kind !== 'loaded')
      throw new Error(answer.kind === 'failed' ? answer.message : `unexpected ${answer.kind}`);
    if (this.#models.get(key) === model && model.state !== 'unloading') thread.loaded.add(key);
    else if (!this.#models.has(key)) await this.#unloadFrom(thread, key);
    return answer.signature;
  }

  async #unloadFrom(thread: Thread, key: string): Promise<void> {
    thread.loaded.delete(key);
    await this.#control(thread, key, (id) => ({ kind: 'unload', id, key }));
  }

  #control(thread: Thread, key: string, message: (id: number) => ToThreadMessage): Promise<FromThreadMessage> {
    // A closed pool's threads are gone and would never answer (a failed load unloads what it loaded).
    if (this.#closed) return Promise.reject(new Error('the inference pool is closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      thread.controls.set(id, { key, resolve, reject });
      thread.worker.postMessage(message(id));
    });
  }
}

function sameOutputs(a: Job, b: Job): boolean {
  if (a.outputs === undefined || b.outputs === undefined) return a.outputs === b.outputs;
  return a.outputs.length === b.outputs.length && a.outputs.every((name, i) => name === b.outputs?.[i]);
}
