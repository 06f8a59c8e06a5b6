export {
  InferenceError,
  InferenceThreadError,
  ModelLoadError,
  ModelNotLoadedError,
  OverloadedError,
} from './errors.ts';
export { InferencePool, type InferencePoolOptions, type InferOptions, type InferTiming } from './inference-pool.ts';
export { modelMetadata } from './oip-metadata.ts';
export {
  DEFAULT_MAX_ROWS,
  type DecodedInferRequest,
  type DecodeOptions,
  decodeInferRequest,
  flattenData,
} from './oip-request.ts';
export { encodeInferResponse } from './oip-response.ts';
export type {
  OipDatatype,
  OipInferResponse,
  OipModelMetadata,
  OipResponseTensor,
  OipTensorMetadata,
  ResponseHeader,
} from './oip-types.ts';
export type { ModelSignature, TensorSignature } from './pool-messages.ts';
export { RequestError } from './request-error.ts';
export {
  type DecodedRowsRequest,
  decodeRowsRequest,
  encodeRowsResponse,
  type RowPrediction,
  type RowsResponse,
} from './row-form.ts';
export { elementCount, type Tensor, type Tensors, type TensorType } from './tensor.ts';
