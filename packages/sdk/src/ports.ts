import type { PortTypeName, PortValue } from './port-types.ts';

/** The options of {@link input}. */
export interface InputPortOptions {
  /** What the port is for, in a few words; catalogs pass it on to the designer. */
  description?: string;
  /** An unconnected required input is a compile error. @default true */
  required?: boolean;
  /** Accepts any number of edges; the step receives their values as an array, in edge order. @default false */
  multiple?: boolean;
  /**
   * The rows that reach this input are scored against a model (a validation, an importance): they must
   * be rows that nothing the model learnt from has seen, its fitted preprocessing included. The compiler
   * then refuses held-out rows that a fitted step learnt from before they were held out (data leakage);
   * see {@link RowFlow}. @default false
   */
  evaluation?: boolean;
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
  /** Present (and true) when the port scores a model on held-out rows; see {@link InputPortOptions.evaluation}. */
  evaluation?: true;
}

/**
 * Where the rows of a table output come from, for the compiler's data-leakage check: which input's rows
 * it carries, whether the node learnt something from them (a mean, a category list) and applies it
 * here, and whether these rows were held out from the node's other outputs. The check follows rows
 * through every output that declares this; an output that does not declare it starts new rows (a
 * query's result, a file's contents) and the check looks no further back.
 *
 * @example
 * // transform.normalize: its table output carries its input's rows, rescaled by statistics learnt from them
 * outputs: { table: output('table', { rows: { from: 'table', fits: true } }) }
 * // transform.split: the test rows are held out from the train rows
 * outputs: { train: output('table', { rows: { from: 'table' } }), test: output('table', { rows: { from: 'table', heldOut: true } }) }
 */
export interface RowFlow {
  /** The input port whose rows (all or some of them) this output carries. */
  from: string;
  /**
   * The node learns from those rows and applies what it learnt to this output, as a fitted transform
   * does: always (`true`), or only when the parameter `param` has one of the values `in` (as
   * `clean_missing` learns a fill value for `mean` but not for `remove_rows`). @default false
   */
  fits?: boolean | { param: string; in: Array<string | number | boolean> };
  /** These rows are held out from the node's other outputs, as a split's test rows are. @default false */
  heldOut?: boolean;
}

/**
 * A table output whose columns are those of an input, by name (a split, a rescale, a fill of missing
 * values): the designer offers and checks column names downstream from what it knows of that input,
 * before anything has run. An output that does not declare it has columns the designer learns only
 * from a run.
 *
 * @example
 * outputs: { table: output('table', { rows: { from: 'table' }, columns: { from: 'table' } }) }
 */
export interface ColumnFlow {
  /** The input port whose columns this output has. */
  from: string;
}

/** An output port, as {@link output} declares it. */
export interface OutputPort<T extends PortTypeName = PortTypeName> {
  /** The port type name of the value `run` returns for this port. */
  type: T;
  description?: string;
  /** Where its rows come from, for the data-leakage check; see {@link RowFlow}. */
  rows?: RowFlow;
  /** The input whose columns it has; see {@link ColumnFlow}. */
  columns?: ColumnFlow;
}

/** The options of {@link output}. */
export interface OutputPortOptions {
  /** What the port holds, in a few words; catalogs pass it on to the designer. */
  description?: string;
  /** For a table: where its rows come from, for the compiler's data-leakage check; see {@link RowFlow}. */
  rows?: RowFlow;
  /** For a table: the input whose columns it has, by name; see {@link ColumnFlow}. */
  columns?: ColumnFlow;
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
  if (options?.evaluation === true) port.evaluation = true;
  return port as InputPort<T, RequiredFlag<O>, MultipleFlag<O>>;
}

/**
 * Declares an output port.
 *
 * @example
 * outputs: { data: output('json', { description: 'The parsed file' }) }
 */
export function output<T extends PortTypeName>(type: T, options?: OutputPortOptions): OutputPort<T> {
  const port: OutputPort<T> = { type };
  if (options?.description !== undefined) port.description = options.description;
  if (options?.rows !== undefined) port.rows = options.rows;
  if (options?.columns !== undefined) port.columns = { from: options.columns.from };
  return port;
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
