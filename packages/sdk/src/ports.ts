import type { PortTypeName, PortValue } from './port-types.ts';

/** The options of {@link input}. */
export interface InputPortOptions {
  /** What the port is for, in a few words; catalogs pass it on to the designer. */
  description?: string;
  /** An unconnected required input is a compile error. @default true */
  required?: boolean;
  /** Accepts any number of edges; the step receives their values as an array, in edge order. @default false */
  multiple?: boolean;
}

/** An input port; `R` and `M` keep `required` and `multiple` as literal types so `ctx.inputs` is typed exactly. */
export interface InputPort<
  T extends PortTypeName = PortTypeName,
  R extends boolean = boolean,
  M extends boolean = boolean,
> {
  /** The port type name: what the port accepts (an output of this type, or of one that extends it). */
  type: T;
  required: R;
  multiple: M;
  description?: string;
}

/** An output port, as {@link output} declares it. */
export interface OutputPort<T extends PortTypeName = PortTypeName> {
  /** The port type name of the value `run` returns for this port. */
  type: T;
  description?: string;
}

type RequiredFlag<O> = O extends { required: false } ? false : true;
type MultipleFlag<O> = O extends { multiple: true } ? true : false;

/**
 * Declares an input port. The port it returns keeps `required` and `multiple` as literal types (`RequiredFlag<O>`
 * and `MultipleFlag<O>` in its signature read them from `options`), so that `ctx.inputs` types this
 * input exactly: see {@link InputValue}.
 *
 * @example
 * inputs: { reports: input('metrics', { multiple: true, description: 'Metrics to merge' }) }
 */
export function input<T extends PortTypeName, const O extends InputPortOptions = {}>(
  type: T,
  options?: O,
): InputPort<T, RequiredFlag<O>, MultipleFlag<O>> {
  const port: InputPort<PortTypeName> = {
    type,
    required: options?.required ?? true,
    multiple: options?.multiple ?? false,
  };
  if (options?.description !== undefined) port.description = options.description;
  return port as InputPort<T, RequiredFlag<O>, MultipleFlag<O>>;
}

/**
 * Declares an output port.
 *
 * @example
 * outputs: { data: output('json', { description: 'The parsed file' }) }
 */
export function output<T extends PortTypeName>(type: T, options?: { description?: string }): OutputPort<T> {
  return options?.description === undefined ? { type } : { type, description: options.description };
}

/** A node's input ports by name. */
export type InputPorts = Record<string, InputPort>;
/** A node's output ports by name. */
export type OutputPorts = Record<string, OutputPort>;

/** The value a step receives on one input: an array for `multiple`, possibly undefined when optional. */
export type InputValue<P> =
  P extends InputPort<infer T, infer R, infer M>
    ? M extends true
      ? PortValue<T>[]
      : R extends false
        ? PortValue<T> | undefined
        : PortValue<T>
    : never;

/** The type of `ctx.inputs`: each input's {@link InputValue}, by port name. */
export type InputValues<I extends InputPorts> = { [K in keyof I]: InputValue<I[K]> };
/** What `run` resolves to: a value of each output's port type, by port name. */
export type OutputValues<O extends OutputPorts> = { [K in keyof O]: PortValue<O[K]['type']> };
