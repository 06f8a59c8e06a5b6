import { type Static, type TObject, Type } from '@sinclair/typebox';
import type { InputPorts, InputValues, OutputPorts, OutputValues, RowFlow } from './ports.ts';
import { compareSemver } from './semver.ts';
import type { FingerprintContext, StepContext } from './step-context.ts';

/** The categories the designer's palette groups by; plugins may use their own. */
export type NodeCategory =
  | 'data'
  | 'transform'
  | 'train'
  | 'export'
  | 'validate'
  | 'deploy'
  | 'monitor'
  | 'utility'
  | (string & {});

/** What a step needs to run; the plan turns these into the backend that must run it. */
export interface ResourceNeeds {
  /** CPU cores. @default 1 */
  cpu?: number;
  /** Memory in MiB. @default 512 */
  memoryMb?: number;
  /**
   * GPUs: a count, or a count with the memory each device must have free and whether the step may run
   * on CPU when no GPU is there. A count above 0 sends the step to the `gpu` backend.
   * @default 0
   * @example
   * resources: { gpu: 1 }
   * resources: { gpu: { count: 1, memoryMb: 8192, cpuFallback: true } }
   */
  gpu?: number | GpuNeeds;
  /** Forces a backend, e.g. `kubernetes`. @default `'gpu'` when the GPU count (`gpu` or `gpu.count`) is above 0, else `'cpu'` */
  backend?: 'cpu' | 'gpu' | 'kubernetes';
}

/** The long form of {@link ResourceNeeds.gpu}. */
export interface GpuNeeds {
  /** GPUs the step needs; more than 0 sends it to the `gpu` backend. */
  count: number;
  /** Memory the step needs free on each GPU, in MiB; 0 asks for whole devices. @default 0 */
  memoryMb?: number;
  /** Whether the step may run on CPU when no GPU is available, instead of waiting for one. @default false */
  cpuFallback?: boolean;
}

/** {@link GpuNeeds} as {@link defineNode} fills it in: what catalogs and plans carry. */
export type GpuResources = Required<GpuNeeds>;

/** The resources of a {@link NodeDefinition}: every field of {@link ResourceNeeds} filled in. */
export interface NodeResources {
  cpu: number;
  memoryMb: number;
  gpu: GpuResources;
  backend: 'cpu' | 'gpu' | 'kubernetes';
}

/** How often and how patiently a failed step is tried again. */
export interface RetryPolicy {
  /** Attempts after the first. @default 0 */
  retries: number;
  /** Delay before the first retry, doubled for each later one. @default 1000 */
  backoffMs: number;
  /** The longest delay between attempts. @default 60000 */
  maxBackoffMs: number;
}

/**
 * How the parameters of an earlier version of a node type become this version's. The designer's
 * "upgrade node" applies it (through `POST /api/nodes/upgrade`); upgrading across several versions
 * applies each version's migration in turn.
 *
 * @example
 * migrate: { from: '1.0.0', params: (old) => ({ ...old, min_length: old.minimum ?? 1 }) }
 */
export interface ParameterMigration<T = Record<string, unknown>> {
  /** The version these parameters come from; usually the previous one. */
  from: string;
  /** Given the parameters a document holds for `from` (user-set values only), returns this version's. */
  params: (previous: Record<string, unknown>) => T;
}

/**
 * What a plugin passes to {@link defineNode}. `P`, `I` and `O` are inferred from `params`, `inputs` and
 * `outputs`, so `ctx.params`, `ctx.inputs` and the value `run` returns are typed without annotations.
 */
export interface NodeDefinitionInput<P extends TObject, I extends InputPorts, O extends OutputPorts> {
  /** Dotted type name, e.g. `core.read_json`. Documents pin it together with `version`. */
  type: string;
  /** Semver. A change that alters results or parameters gets a new version; old ones stay installed. */
  version: string;
  /** The name the palette and the canvas show, e.g. `Read JSON`. */
  title: string;
  /** What the node does, in a sentence or two; the palette and the inspector show it. */
  description: string;
  /** The palette group it is listed under. */
  category: NodeCategory;
  /** Input ports by name, declared with {@link input}. @default `{}` (none) */
  inputs?: I;
  /** Output ports by name, declared with {@link output}; `run` must return a value for each. @default `{}` (none) */
  outputs?: O;
  /**
   * A TypeBox object schema: it types `ctx.params`, validates documents and draws the designer's form.
   * @default `Type.Object({})` (no parameters)
   */
  params?: P;
  /** What each step of this node needs; unset fields take the defaults listed under {@link ResourceNeeds}. */
  resources?: ResourceNeeds;
  /**
   * How a failed attempt is tried again; unset fields take the defaults listed under {@link RetryPolicy}.
   * Attempts that fail with a {@link NodeError} whose `retryable` is false are not retried.
   */
  retry?: Partial<RetryPolicy>;
  /**
   * Aborts an attempt that runs longer; a timed-out attempt is retried like any other failure.
   * @default `600000` (10 minutes)
   */
  timeoutMs?: number;
  /**
   * Whether results may be reused when the cache key is unchanged. Turn off for nodes whose result
   * depends on the outside world in ways no {@link fingerprint} can capture. @default true
   */
  cacheable?: boolean;
  /**
   * Describes outside state the result depends on (a file's contents, a URL's ETag); it becomes part of
   * the step's cache key so that a changed input file re-runs the step. Resolve to `undefined` when there
   * is nothing to describe. When it throws (say, the file is missing), the step runs anyway and reports
   * the problem itself.
   *
   * @example
   * fingerprint: async (ctx) => ctx.hashFile(ctx.resolvePath(ctx.params.path)),
   */
  fingerprint?: (ctx: FingerprintContext<Static<P>>) => Promise<string | undefined>;
  /** How a document's parameters of an earlier version become this version's; see {@link ParameterMigration}. */
  migrate?: ParameterMigration<Partial<Static<P>>>;
  /**
   * Does the work of one step: reads parameters and inputs from `ctx`, and resolves to a value for every
   * output (file outputs as references from `ctx.artifacts`). Throw a {@link NodeError} for a problem
   * the user can fix.
   */
  run: (ctx: StepContext<Static<P>, InputValues<I>>) => Promise<OutputValues<O>>;
}

/**
 * A node type as the registry, compiler and runtime see it: what {@link defineNode} returns, with every
 * optional field of {@link NodeDefinitionInput} filled in. Its other members are as given there.
 */
export interface NodeDefinition<
  P extends TObject = TObject,
  I extends InputPorts = InputPorts,
  O extends OutputPorts = OutputPorts,
> extends Omit<
    NodeDefinitionInput<P, I, O>,
    'inputs' | 'outputs' | 'params' | 'resources' | 'retry' | 'timeoutMs' | 'cacheable'
  > {
  inputs: I;
  outputs: O;
  params: P;
  resources: NodeResources;
  retry: RetryPolicy;
  timeoutMs: number;
  cacheable: boolean;
}

/** A node definition with its port and parameter types erased, for collections. */
// biome-ignore lint/suspicious/noExplicitAny: erasing the generics is the point of this alias
export type AnyNodeDefinition = NodeDefinition<any, any, any>;

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const TYPE_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const PORT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Defines a node type: checks its names and version and fills in every default, giving the complete
 * definition the registry, compiler and runtime read. A plugin exports the result from its entry point.
 *
 * @throws when `type` is not dotted lower-case words (`acme.resize_image`), `version` is not semver, a
 *   port name is not letters, digits and `_`, or `migrate.from` is not an earlier semver version.
 * @example
 * export const readJson = defineNode({
 *   type: 'core.read_json', version: '1.0.0', title: 'Read JSON', category: 'data',
 *   description: 'Reads a JSON file.',
 *   params: Type.Object({ path: Type.String() }),
 *   outputs: { data: output('json') },
 *   async run(ctx) {
 *     return { data: JSON.parse(await readFile(ctx.resolvePath(ctx.params.path), 'utf8')) };
 *   },
 * });
 */
export function defineNode<
  const I extends InputPorts = {},
  const O extends OutputPorts = {},
  P extends TObject = TObject<{}>,
>(definition: NodeDefinitionInput<P, I, O>): NodeDefinition<P, I, O> {
  if (!TYPE_NAME.test(definition.type)) {
    throw new Error(`defineNode: type "${definition.type}" must be dotted lower-case words, e.g. "acme.resize_image"`);
  }
  if (!SEMVER.test(definition.version)) {
    throw new Error(`defineNode(${definition.type}): version "${definition.version}" is not semver (e.g. "1.0.0")`);
  }
  for (const name of [...Object.keys(definition.inputs ?? {}), ...Object.keys(definition.outputs ?? {})]) {
    if (!PORT_NAME.test(name)) {
      throw new Error(
        `defineNode(${definition.type}): port name "${name}" must be letters, digits and _ (e.g. "train_data")`,
      );
    }
  }
  for (const [name, port] of Object.entries((definition.outputs ?? {}) as OutputPorts)) {
    if (port.rows !== undefined) checkRowFlow(definition, name, port.rows);
    if (port.columns !== undefined && !Object.hasOwn(definition.inputs ?? {}, port.columns.from)) {
      const inputs = Object.keys(definition.inputs ?? {});
      throw new Error(
        `defineNode(${definition.type}): output "${name}" has the columns of "${port.columns.from}", which is not an input; its inputs are: ${inputs.length === 0 ? '(none)' : inputs.join(', ')}`,
      );
    }
  }
  if (definition.migrate !== undefined) {
    const { from } = definition.migrate;
    if (!SEMVER.test(from) || compareSemver(from, definition.version) >= 0) {
      throw new Error(
        `defineNode(${definition.type}@${definition.version}): migrate.from "${from}" must be an earlier semver version`,
      );
    }
  }
  const gpu = gpuResources(definition.type, definition.resources?.gpu);
  const { inputs, outputs, params, resources, retry, timeoutMs, cacheable, ...rest } = definition;
  return {
    ...rest,
    inputs: inputs ?? ({} as I),
    outputs: outputs ?? ({} as O),
    params: params ?? (Type.Object({}) as TObject as P),
    // Frozen: plans share these objects across steps instead of copying them for every node.
    resources: Object.freeze({
      cpu: resources?.cpu ?? 1,
      memoryMb: resources?.memoryMb ?? 512,
      gpu,
      backend: resources?.backend ?? (gpu.count > 0 ? 'gpu' : 'cpu'),
    }),
    retry: Object.freeze({
      retries: retry?.retries ?? 0,
      backoffMs: retry?.backoffMs ?? 1000,
      maxBackoffMs: retry?.maxBackoffMs ?? 60_000,
    }),
    timeoutMs: timeoutMs ?? 600_000,
    cacheable: cacheable ?? true,
  };
}

/** A row flow must name one of the node's inputs, and a conditional fit one of its parameters. */
function checkRowFlow(
  definition: { type: string; inputs?: InputPorts; params?: TObject },
  port: string,
  rows: RowFlow,
): void {
  const where = `defineNode(${definition.type}): output "${port}"`;
  if (!Object.hasOwn(definition.inputs ?? {}, rows.from)) {
    const inputs = Object.keys(definition.inputs ?? {});
    throw new Error(
      `${where} takes its rows from "${rows.from}", which is not an input; its inputs are: ${inputs.length === 0 ? '(none)' : inputs.join(', ')}`,
    );
  }
  const fits = rows.fits;
  if (typeof fits === 'object' && !Object.hasOwn(definition.params?.properties ?? {}, fits.param)) {
    throw new Error(`${where} fits depending on parameter "${fits.param}", which the node does not have`);
  }
}

/** The GPU needs as a {@link GpuResources}: a bare number is the count; the rest take their defaults. */
function gpuResources(type: string, gpu: number | GpuNeeds | undefined): GpuResources {
  const needs = typeof gpu === 'number' ? { count: gpu } : (gpu ?? { count: 0 });
  const resources = {
    count: needs.count,
    memoryMb: needs.memoryMb ?? 0,
    cpuFallback: needs.cpuFallback ?? false,
  };
  for (const field of ['count', 'memoryMb'] as const) {
    const value = resources[field];
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`defineNode(${type}): resources.gpu.${field} must be a number of at least 0, not ${value}`);
  }
  return Object.freeze(resources);
}
