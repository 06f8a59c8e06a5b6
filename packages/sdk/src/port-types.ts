import type { JsonValue } from '@loom/graph';

/**
 * A file held by the artifact store, named by the sha256 of its bytes. `path` is where the step that
 * receives it can read it on its own machine.
 */
export interface ArtifactRef {
  /** The hex sha256 of the bytes: the artifact's name in the store. */
  sha256: string;
  /** The size in bytes. */
  size: number;
  /** Where the bytes can be read on the machine of the step that holds the reference. */
  path: string;
  /** The media type given when it was written, e.g. `image/png`. */
  mediaType?: string;
}

/** A named number series, e.g. a loss curve: `y[i]` measured at `x[i]`. */
export interface MetricCurve {
  kind: 'curve';
  x: number[];
  y: number[];
  xLabel?: string;
  yLabel?: string;
}

/** A matrix with labelled rows and columns, e.g. a confusion matrix (rows: actual, columns: predicted). */
export interface MetricMatrix {
  kind: 'matrix';
  labels: string[];
  values: number[][];
}

/** One entry of {@link Metrics}: a number, a curve or a matrix. */
export type MetricValue = number | MetricCurve | MetricMatrix;

/** Named numbers, curves and matrices. */
export type Metrics = Record<string, MetricValue>;

/** A deployed model's address and version: what `deploy.endpoint` gives. */
export interface Endpoint {
  /** Where to send inference requests (Open Inference Protocol v2), e.g. `http://127.0.0.1:8080/v2/models/iris`. */
  url: string;
  /** The model's name in the registry, which is also the endpoint's name. */
  model: string;
  /** The registered version that was deployed. */
  version: number;
  /** The alias the endpoint serves, e.g. `production`. */
  alias: string;
}

/**
 * The JavaScript value a port of each type carries. Plugins add their own types by declaration
 * merging (as in the example), then describe them with {@link definePortType}.
 *
 * @example
 * declare module '@loom/sdk' { interface PortValueTypes { image: ArtifactRef } }
 */
export interface PortValueTypes {
  any: unknown;
  json: JsonValue;
  text: string;
  metrics: Metrics;
  endpoint: Endpoint;
  file: ArtifactRef;
  table: ArtifactRef;
  model: ArtifactRef;
  onnx: ArtifactRef;
  transform: ArtifactRef;
}

/** The name of a known port type: a key of {@link PortValueTypes}, built in or added by a plugin. */
export type PortTypeName = keyof PortValueTypes & string;
/** The JavaScript value a port of type `T` carries. */
export type PortValue<T extends PortTypeName> = PortValueTypes[T];

/**
 * How a port type's values travel between steps: `json` values are stored as canonical JSON,
 * `text` as UTF-8, and `file` values are artifacts the node wrote through `ctx.artifacts`.
 * `abstract` types (only `any`) exist only to accept other types on inputs.
 */
export type PortStorage = 'json' | 'text' | 'file' | 'abstract';

/** A port type: its name, how its values travel, which type it extends and how the designer draws it. */
export interface PortTypeDefinition {
  /** The name ports are declared with, e.g. `table`. */
  name: string;
  /** What a value of this type is, in a sentence; the designer's port legend shows it. */
  description: string;
  storage: PortStorage;
  /** The more general type this one can stand in for: an output of type `metrics` fits an input of type `json`. */
  extends?: string;
  /** A CSS colour for the port's handle in the designer. */
  color: string;
}

/**
 * Describes a port type; plugins call this for the types they add, declare the value type on
 * {@link PortValueTypes}, and export the results as `portTypes` from their entry point, beside `nodes`.
 *
 * @example
 * export const imagePort = definePortType({
 *   name: 'image', description: 'A PNG or JPEG image.', storage: 'file', extends: 'file', color: '#e11d48',
 * });
 */
export function definePortType(definition: PortTypeDefinition): PortTypeDefinition {
  return definition;
}

/** The port types every registry knows; the connection rule reads `extends`. */
export const BUILTIN_PORT_TYPES: readonly PortTypeDefinition[] = [
  { name: 'any', description: 'Accepts a value of any type (inputs only).', storage: 'abstract', color: '#94a3b8' },
  { name: 'json', description: 'A JSON value.', storage: 'json', extends: 'any', color: '#64748b' },
  { name: 'text', description: 'A UTF-8 string.', storage: 'text', extends: 'any', color: '#78716c' },
  {
    name: 'metrics',
    description: 'Named numbers, curves and matrices.',
    storage: 'json',
    extends: 'json',
    color: '#d97706',
  },
  {
    name: 'endpoint',
    description: "A deployed model's address and version.",
    storage: 'json',
    extends: 'json',
    color: '#db2777',
  },
  { name: 'file', description: 'A file of any kind.', storage: 'file', extends: 'any', color: '#475569' },
  { name: 'table', description: 'Columnar data (Parquet).', storage: 'file', extends: 'file', color: '#2563eb' },
  {
    name: 'model',
    description: 'A trained model with its feature schema and fitted preprocessing.',
    storage: 'file',
    extends: 'file',
    color: '#7c3aed',
  },
  { name: 'onnx', description: 'An ONNX model file.', storage: 'file', extends: 'file', color: '#059669' },
  {
    name: 'transform',
    description: 'A fitted preprocessing step (e.g. normalisation statistics) to apply to other tables.',
    storage: 'file',
    extends: 'file',
    color: '#0891b2',
  },
];

/**
 * The one connection rule, used by the compiler and the canvas alike: an output fits an input when
 * its type is the input's type or extends it, directly or through other types. An `any` input takes
 * every known type, including a plugin's type that extends nothing.
 */
export function isPortTypeCompatible(
  outputType: string,
  inputType: string,
  lookup: (name: string) => PortTypeDefinition | undefined,
): boolean {
  if (inputType === 'any') return lookup(outputType) !== undefined;
  let current: string | undefined = outputType;
  const visited = new Set<string>();
  while (current !== undefined && !visited.has(current)) {
    if (current === inputType) return true;
    visited.add(current);
    current = lookup(current)?.extends;
  }
  return false;
}
