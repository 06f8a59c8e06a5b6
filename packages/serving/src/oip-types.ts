import type { TensorType } from './tensor.ts';

/** The Open Inference Protocol v2 datatypes the codec reads and writes. */
export type OipDatatype = 'BOOL' | 'INT32' | 'INT64' | 'FP32' | 'FP64' | 'BYTES';

/** An input or output in model metadata; `-1` is a dimension of any size (the rows). */
export interface OipTensorMetadata {
  name: string;
  datatype: OipDatatype;
  shape: number[];
}

/** `GET /v2/models/{name}[/versions/{version}]`. */
export interface OipModelMetadata {
  name: string;
  versions: string[];
  platform: 'onnxruntime';
  inputs: OipTensorMetadata[];
  outputs: OipTensorMetadata[];
}

/** A tensor in an infer response. */
export interface OipResponseTensor {
  name: string;
  shape: number[];
  datatype: OipDatatype;
  data: Array<number | string | boolean>;
}

/** `POST /v2/models/{name}[/versions/{version}]/infer`, answered. */
export interface OipInferResponse {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: OipResponseTensor[];
}

/** Which model answered, and the request's id when it had one. */
export interface ResponseHeader {
  modelName: string;
  modelVersion: string;
  id?: string | undefined;
}

export const DATATYPE_OF: Record<TensorType, OipDatatype> = {
  float32: 'FP32',
  float64: 'FP64',
  int32: 'INT32',
  int64: 'INT64',
  bool: 'BOOL',
  string: 'BYTES',
};

export const TENSOR_TYPE_OF: Record<OipDatatype, TensorType> = {
  FP32: 'float32',
  FP64: 'float64',
  INT32: 'int32',
  INT64: 'int64',
  BOOL: 'bool',
  BYTES: 'string',
};
