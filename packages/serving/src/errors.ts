/**
 * `infer` was refused because the model's queue is full. The HTTP layer answers 503 with
 * `Retry-After`: the pool sheds load instead of holding unbounded memory.
 */
export class OverloadedError extends Error {
  override readonly name = 'OverloadedError';
  constructor(
    /** The model key whose queue is full. */
    readonly key: string,
    /** The queue's bound (`maxQueue`). */
    readonly maxQueue: number,
  ) {
    super(`model '${key}' is overloaded: ${maxQueue} requests are already waiting`);
  }
}

/** `infer` or `unload` named a model key that is not loaded (or is still loading, or being unloaded). */
export class ModelNotLoadedError extends Error {
  override readonly name = 'ModelNotLoadedError';
  constructor(
    readonly key: string,
    detail = 'is not loaded',
  ) {
    super(`model '${key}' ${detail}`);
  }
}

/** `load` failed: the file could not be read, onnxruntime rejected the model, or its warm-up inference failed. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`model '${key}' failed to load: ${reason}`);
  }
}

/** onnxruntime refused or failed one inference (the thread and the model stay up). */
export class InferenceError extends Error {
  override readonly name = 'InferenceError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`model '${key}' failed to run: ${reason}`);
  }
}

/** The inference thread running a request stopped (it crashed or ran out of memory); it is replaced. */
export class InferenceThreadError extends Error {
  override readonly name = 'InferenceThreadError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`the inference thread running model '${key}' stopped: ${reason}`);
  }
}
