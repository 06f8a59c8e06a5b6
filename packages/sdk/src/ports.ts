import type { PortTypeName, PortValue } from './port-types.ts';

export interface InputPortOptions {
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
  type: T;
  required: R;
  multiple: M;
  description?: string;
}

export interface OutputPort<T extends PortTypeName = PortTypeName> {
  type: T;
  description?: string;
}

type RequiredFlag<O> = O extends { required: false } ? false : true;
type MultipleFlag<O> = O extends { multiple: true } ? true : false;

/**
 * Declares an input port.
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

export type InputPorts = Record<string, InputPort>;
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

export type InputValues<I extends InputPorts> = { [K in keyof I]: InputValue<I[K]> };
export type OutputValues<O extends OutputPorts> = { [K in keyof O]: PortValue<O[K]['type']> };
