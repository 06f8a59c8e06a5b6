import {
  type AttributeProto,
  AttributeType,
  bytesOf,
  DataType,
  type Dim,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
  valueInfo,
} from './onnx-proto.ts';

/** An attribute value: numbers are ints unless wrapped by {@link floats} or {@link float}. */
export type AttributeValue =
  | number
  | string
  | { floats: readonly number[] }
  | { float: number }
  | readonly number[]
  | readonly string[];

/** Marks a list as float attribute values (plain number lists are ints). */
export function floats(values: readonly number[]): { floats: readonly number[] } {
  return { floats: values };
}

/** Marks a number as a float attribute (plain numbers are ints). */
export function float(value: number): { float: number } {
  return { float: value };
}

export const ML_DOMAIN = 'ai.onnx.ml';

/**
 * Collects a graph's nodes and initializers and hands out unique value names. Names are derived from
 * what a value means (`age/impute`), so a graph reads well in Netron, and numbered only on a clash.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  /** Types of intermediate values whose operators have no type inference in the ONNX checker. */
  readonly valueInfo: ValueInfoProto[] = [];
  private readonly taken = new Set<string>();
  private usesMl = false;

  /** `reserved`: names the graph's inputs and outputs use, which no intermediate value may take. */
  constructor(reserved: Iterable<string>) {
    for (const name of reserved) this.taken.add(name);
  }

  /** True once a node of the `ai.onnx.ml` domain was added: the model must then import that opset. */
  get needsMlOpset(): boolean {
    return this.usesMl;
  }

  /** A fresh value name based on `base`. */
  fresh(base: string): string {
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    return name;
  }

  /**
   * Adds a node. `outputs` are either fresh names made from the given bases or, when `exact` is set,
   * the given names verbatim (the graph's outputs). Returns the output names.
   */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Record<string, AttributeValue> = {},
    options: { domain?: string; exact?: boolean } = {},
  ): string[] {
    const names = options.exact ? [...outputs] : outputs.map((base) => this.fresh(base));
    const node: NodeProto = {
      name: this.fresh(`${opType}:${names[0] ?? ''}`),
      op_type: opType,
      input: [...inputs],
      output: names,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    };
    if (options.domain) {
      node.domain = options.domain;
      if (options.domain === ML_DOMAIN) this.usesMl = true;
    }
    this.nodes.push(node);
    return names;
  }

  /** Adds a node with one output and returns its name. */
  op(
    opType: string,
    inputs: readonly string[],
    output: string,
    attributes?: Record<string, AttributeValue>,
    options?: { domain?: string; exact?: boolean },
  ): string {
    return this.node(opType, inputs, [output], attributes, options)[0] as string;
  }

  /** Declares an intermediate value's type, for operators the ONNX checker cannot infer types through. */
  declare(name: string, elemType: DataType, dims: readonly Dim[]): void {
    this.valueInfo.push(valueInfo(name, elemType, dims));
  }

  /** A float32 constant (values are rounded to float32). `dims` [] makes a scalar. */
  floatConstant(base: string, values: readonly number[], dims: readonly number[]): string {
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => {
      view.setFloat32(i * 4, v, true);
    });
    return this.constant(base, DataType.FLOAT, dims, { raw_data: raw });
  }

  /** An int64 constant. */
  int64Constant(base: string, values: readonly number[], dims: readonly number[]): string {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => {
      view.setBigInt64(i * 8, BigInt(v), true);
    });
    return this.constant(base, DataType.INT64, dims, { raw_data: raw });
  }

  /** A float64 constant. */
  doubleConstant(base: string, values: readonly number[], dims: readonly number[]): string {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => {
      view.setFloat64(i * 8, v, true);
    });
    return this.constant(base, DataType.DOUBLE, dims, { raw_data: raw });
  }

  /** A string constant (UTF-8). */
  stringConstant(base: string, values: readonly string[], dims: readonly number[]): string {
    return this.constant(base, DataType.STRING, dims, { string_data: values.map(bytesOf) });
  }

  private constant(
    base: string,
    dataType: DataType,
    dims: readonly number[],
    data: Pick<TensorProto, 'raw_data' | 'string_data'>,
  ): string {
    const name = this.fresh(base);
    this.initializers.push({ name, dims: [...dims], data_type: dataType, ...data });
    return name;
  }
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: bytesOf(value) };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  if (value.every((v): v is number => typeof v === 'number'))
    return { name, type: AttributeType.INTS, ints: [...value] };
  return { name, type: AttributeType.STRINGS, strings: (value as readonly string[]).map(bytesOf) };
}
