import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { argmaxRows, type ModelPrediction, type RawColumns } from '@loom/ml';
import type * as Ort from 'onnxruntime-node';
import { OUTPUTS } from './build-model.ts';
import { type OnnxModelInfo, readOnnxModelInfo } from './model-info.ts';

/** Options for {@link OnnxPredictor.open}. */
export interface OnnxPredictorOptions {
  /** Threads onnxruntime may use inside one operator. @default onnxruntime's choice (the physical cores) */
  intraOpThreads?: number;
}

/** Options for {@link OnnxPredictor.predict}. */
export interface OnnxPredictOptions {
  /** Rows per `session.run`. @default 8192 */
  batchSize?: number;
  /** Stops between batches; `predict` then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Default rows per batch: large enough that per-run overhead vanishes, small enough to yield often. */
export const DEFAULT_BATCH_SIZE = 8192;

/**
 * Runs a Loom ONNX model (from {@link buildOnnxModel}) in onnxruntime-node, taking raw source columns as
 * `predictModel` in `@loom/ml` does, and returning the same shapes: `probabilities` (rows × classes) and
 * `classIndex` for a classifier, `values` for a regressor.
 *
 * @example
 * const predictor = await OnnxPredictor.open(bytes);
 * try {
 *   const { classIndex } = await predictor.predict({ age: ages, city: cities }, ages.length, { signal });
 * } finally {
 *   await predictor.close();
 * }
 */
export class OnnxPredictor {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    /** What the model says about itself: task, classes, the input columns it takes. */
    readonly info: OnnxModelInfo,
  ) {}

  /** Loads a model. Throws when the bytes are not a Loom ONNX model or onnxruntime rejects them. */
  static async open(bytes: Uint8Array, options: OnnxPredictorOptions = {}): Promise<OnnxPredictor> {
    const info = readOnnxModelInfo(bytes);
    const sessionOptions: Ort.InferenceSession.SessionOptions = {};
    if (options.intraOpThreads !== undefined) sessionOptions.intraOpNumThreads = options.intraOpThreads;
    // Loaded on first use: the native runtime (about 20 MB) stays out of processes that only list
    // nodes (a server's catalog) and is loaded where models run.
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(bytes, sessionOptions);
    return new OnnxPredictor(ort, session, info);
  }

  /**
   * Predicts `rows` rows. Numbers are `Float64Array` with NaN for NULL (passed to the model as float32);
   * strings are arrays with `null` for NULL (passed as ''). `session.run` computes on the calling thread
   * and blocks the event loop meanwhile, so the rows go in batches with a turn of the event loop between
   * them, where the signal is checked.
   */
  async predict(columns: RawColumns, rows: number, options: OnnxPredictOptions = {}): Promise<ModelPrediction> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer`);
    const inputs = this.info.inputs.map((input) => {
      const column = columns[input.name];
      if (column === undefined) throw new Error(`missing input column '${input.name}'`);
      if (column.length < rows)
        throw new Error(`input column '${input.name}' has ${column.length} rows, expected ${rows}`);
      if ((input.kind === 'number') !== column instanceof Float64Array) {
        throw new Error(
          `input column '${input.name}' must be ${input.kind === 'number' ? 'a Float64Array' : 'strings'}`,
        );
      }
      return { name: input.name, column };
    });
    const classes = this.info.classes?.length ?? 0;
    const classification = this.info.task === 'classification';
    const output = classification ? OUTPUTS.probabilities : OUTPUTS.variable;
    const width = classification ? classes : 1;
    const result = new Float64Array(rows * width);
    const { ort } = this;

    for (let start = 0; start < rows; start += batchSize) {
      options.signal?.throwIfAborted();
      const end = Math.min(rows, start + batchSize);
      const feeds: Record<string, Ort.Tensor> = {};
      for (const { name, column } of inputs) {
        feeds[name] =
          column instanceof Float64Array
            ? new ort.Tensor('float32', new Float32Array(column.subarray(start, end)), [end - start, 1])
            : new ort.Tensor(
                'string',
                column.slice(start, end).map((value) => value ?? ''),
                [end - start, 1],
              );
      }
      const outputs = await this.session.run(feeds, [output]);
      result.set((outputs[output] as Ort.Tensor).data as Float32Array, start * width);
      if (end < rows) await yieldToEventLoop();
    }
    if (!classification) return { values: result };
    return { probabilities: result, classIndex: argmaxRows(result, rows, classes) };
  }

  /** Releases the session's native memory. */
  async close(): Promise<void> {
    await this.session.release();
  }
}
