import { DATATYPE_OF, type OipInferResponse, type OipResponseTensor, type ResponseHeader } from './oip-types.ts';
import type { Tensor, Tensors } from './tensor.ts';

/**
 * The Open Inference Protocol v2 infer response for the pool's outputs:
 * `{ model_name, model_version, id?, outputs: [{ name, shape, datatype, data }] }`, `data` flat in
 * row-major order. INT64 elements become JSON numbers (class labels are small integers); NaN becomes
 * null, as JSON has no NaN.
 *
 * @example
 * reply.send(encodeInferResponse({ modelName: 'iris', modelVersion: '3', id }, await pool.infer(key, feeds)));
 */
export function encodeInferResponse(header: ResponseHeader, outputs: Tensors): OipInferResponse {
  const response: OipInferResponse = {
    model_name: header.modelName,
    model_version: header.modelVersion,
    outputs: Object.entries(outputs).map(([name, tensor]) => encodeTensor(name, tensor)),
  };
  if (header.id !== undefined) response.id = header.id;
  return response;
}

function encodeTensor(name: string, tensor: Tensor): OipResponseTensor {
  return { name, shape: [...tensor.dims], datatype: DATATYPE_OF[tensor.type], data: jsonElements(tensor) };
}

/** A tensor's elements as JSON values. */
export function jsonElements(tensor: Tensor): Array<number | string | boolean> {
  switch (tensor.type) {
    case 'string':
      return tensor.data;
    case 'int64':
      return Array.from(tensor.data, Number);
    case 'bool':
      return Array.from(tensor.data, (value) => value !== 0);
    default:
      return Array.from(tensor.data as ArrayLike<number>);
  }
}
