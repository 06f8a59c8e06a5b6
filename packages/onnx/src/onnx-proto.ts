import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';

/**
 * The ONNX protobuf messages, loaded at first use from the official schema (`proto/onnx-ml.proto`,
 * ONNX 1.12) with protobufjs, so every byte follows the published format. Field names keep the schema's
 * snake_case, so code here reads like the ONNX documentation.
 */

/** `TensorProto.DataType` values this package uses. */
export const DataType = { FLOAT: 1, INT64: 7, STRING: 8, BOOL: 9, DOUBLE: 11 } as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

/** `AttributeProto.AttributeType` values this package uses. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface TensorProto {
  name: string;
  dims: number[];
  data_type: DataType;
  raw_data?: Uint8Array;
  string_data?: Uint8Array[];
}

export interface AttributeProto {
  name: string;
  type: (typeof AttributeType)[keyof typeof AttributeType];
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface NodeProto {
  name: string;
  op_type: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

/** A dimension is a fixed size or a named symbolic one (`'N'` for the batch). */
export type Dim = number | string;

export interface ValueInfoProto {
  name: string;
  type: { tensor_type: { elem_type: DataType; shape: { dim: Array<{ dim_value: number } | { dim_param: string }> } } };
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  value_info: ValueInfoProto[];
}

export interface ModelProto {
  ir_version: number;
  opset_import: Array<{ domain: string; version: number }>;
  producer_name: string;
  graph: GraphProto;
  metadata_props: Array<{ key: string; value: string }>;
}

let modelType: protobuf.Type | undefined;

function modelProtoType(): protobuf.Type {
  if (!modelType) {
    const text = readFileSync(new URL('../proto/onnx-ml.proto', import.meta.url), 'utf8');
    modelType = protobuf.parse(text, { keepCase: true }).root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/**
 * Serialises a model. The same object always gives the same bytes: protobufjs writes fields by number.
 * The plain object is encoded directly (after `verify`): `fromObject` would first copy it into message
 * instances with a Long object per int64 — for a 100-tree forest, hundreds of MB of garbage.
 */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  const problem = type.verify(model);
  if (problem !== null) throw new Error(`internal error: invalid ONNX model object: ${problem}`);
  return type.encode(model).finish();
}

/**
 * Reads a serialised model's metadata and graph signature. int64 fields come back as numbers and enums as
 * numbers; bytes fields stay `Uint8Array`.
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = modelProtoType();
  return type.toObject(type.decode(bytes), {
    longs: Number,
    enums: Number,
    defaults: false,
    arrays: true,
  }) as ModelProto;
}

const utf8 = new TextEncoder();

/** UTF-8 bytes, as ONNX stores string attributes and string tensors. */
export function bytesOf(text: string): Uint8Array {
  return utf8.encode(text);
}

/** A value's type: a tensor of `elemType` with the given dimensions. */
export function valueInfo(name: string, elemType: DataType, dims: readonly Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}
