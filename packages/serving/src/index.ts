export {
  InferenceError,
  InferenceThreadError,
  ModelLoadError,
  ModelNotLoadedError,
  OverloadedError,
} from './errors.ts';
export { InferencePool, type InferOptions, type InferencePoolOptions } from './inference-pool.ts';
export type { ModelSignature, TensorSignature } from './pool-messages.ts';
export { elementCount, type Tensor, type Tensors, type TensorType } from './tensor.ts';
