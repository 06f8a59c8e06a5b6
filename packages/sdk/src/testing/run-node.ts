import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { Static, TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { AnyNodeDefinition, NodeDefinition } from '../define-node.ts';
import type { ModelRegistryAccess } from '../model-registry-access.ts';
import { NodeError } from '../node-error.ts';
import type { ArtifactRef } from '../port-types.ts';
import type { InputPorts, InputValues, OutputPorts, OutputValues } from '../ports.ts';
import type { ArtifactAccess, InputSource, LogLevel, StepContext } from '../step-context.ts';

/** What {@link runNode} runs the node with; all optional. */
export interface RunNodeOptions<P extends TObject, I extends InputPorts> {
  /** Parameters as a document would give them; the schema's defaults fill in the rest. */
  params?: Partial<Static<P>> & Record<string, unknown>;
  /**
   * Values by input port name, as `ctx.inputs` will hold them. A required input left out is an error;
   * a `multiple` one left out gets an empty array.
   */
  inputs?: Partial<InputValues<I>>;
  /**
   * Becomes `ctx.sources`: where each given input came from, one source per value of a `multiple` port.
   * @default for each given input, node `<port>` (or `<port>_1`, `<port>_2`, … for a `multiple` port's
   *   values), output port `out`
   */
  sources?: Partial<Record<keyof I & string, InputSource[]>>;
  /** Relative paths resolve against this folder. @default process.cwd() */
  baseDir?: string;
  /** Becomes `ctx.signal`; abort it to test how the node stops. Left out, `ctx.signal` never aborts. */
  signal?: AbortSignal;
  /**
   * Becomes `ctx.models`: a registry of the test's own, e.g. one that records what the node deployed,
   * or whose `traffic` answers a table the test wrote.
   * A method left out rejects, saying to pass it.
   * @default a registry whose `deploy` and `traffic` reject, saying to pass `models`
   */
  models?: Partial<ModelRegistryAccess>;
}

/** What {@link runNode} returns: the node's outputs and everything it reported, in order. */
export interface NodeRunRecord<O extends OutputPorts> {
  /** What `run` returned; file outputs are {@link ArtifactRef}s under `artifactDir`. */
  outputs: OutputValues<O>;
  /** Every `ctx.log` call, in order. */
  logs: Array<{ level: LogLevel; message: string; fields?: Record<string, unknown> }>;
  /** Last value of each metric. */
  metrics: Record<string, number>;
  /** Every metric report in order, with its `step` when given. */
  metricSeries: Array<{ name: string; value: number; step?: number }>;
  /** Every `ctx.progress` report, in order. */
  progress: Array<{ fraction: number; message?: string }>;
  /** Where the run's artifacts were written; removed by {@link NodeRunRecord.cleanup}. */
  artifactDir: string;
  /** Removes `artifactDir`; call it when the test is done with the outputs. */
  cleanup(): Promise<void>;
}

/**
 * Runs one node in isolation, the way the runtime would but without a pipeline: parameters are
 * checked against the node's schema (defaults applied), artifacts go to a temporary folder, and
 * everything the node reported is returned for assertions. Errors `run` throws are passed on as they are.
 *
 * @throws when the parameters do not fit the schema, a required input is missing, or `run` returns no
 *   value for a declared output.
 *
 * @example
 * const result = await runNode(readJson, { params: { path: 'fixtures/a.json' } });
 * expect(result.outputs.data).toEqual({ a: 1 });
 * await result.cleanup();
 */
export async function runNode<P extends TObject, I extends InputPorts, O extends OutputPorts>(
  definition: NodeDefinition<P, I, O>,
  options: RunNodeOptions<P, I> = {},
): Promise<NodeRunRecord<O>> {
  const params = Value.Default(definition.params, structuredClone(options.params ?? {})) as Static<P>;
  if (!Value.Check(definition.params, params)) {
    const problems = [...Value.Errors(definition.params, params)].map((e) => `${e.path || '/'}: ${e.message}`);
    throw new Error(`${definition.type}@${definition.version}: invalid params: ${problems.join('; ')}`);
  }
  const inputs = { ...(options.inputs ?? {}) } as Record<string, unknown>;
  for (const [name, port] of Object.entries(definition.inputs as InputPorts)) {
    if (inputs[name] === undefined && port.multiple) inputs[name] = [];
    if (inputs[name] === undefined && port.required && !port.multiple) {
      throw new Error(`${definition.type}@${definition.version}: input "${name}" (${port.type}) is required`);
    }
  }
  // From the inputs as given: an input left out is unconnected, and has no sources, as in a run.
  const sources = inputSources(definition, { ...(options.inputs ?? {}) }, options.sources ?? {});
  const artifactDir = await mkdtemp(join(tmpdir(), 'loom-node-'));
  const baseDir = options.baseDir ?? process.cwd();
  const record: Omit<NodeRunRecord<O>, 'outputs'> = {
    logs: [],
    metrics: {},
    metricSeries: [],
    progress: [],
    artifactDir,
    cleanup: () => rm(artifactDir, { recursive: true, force: true }),
  };
  const store = async (data: Uint8Array, mediaType?: string): Promise<ArtifactRef> => {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const path = join(artifactDir, sha256);
    await writeFile(path, data);
    return mediaType === undefined
      ? { sha256, size: data.byteLength, path }
      : { sha256, size: data.byteLength, path, mediaType };
  };
  const artifacts: ArtifactAccess = {
    write: (bytes, opts) => store(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, opts?.mediaType),
    importFile: async (path, opts) => {
      const ref = await store(await readFile(path), opts?.mediaType);
      await rm(path, { force: true });
      return ref;
    },
    read: (ref) => readFile(ref.path),
    tempDir: async () => {
      const dir = join(artifactDir, 'tmp', randomUUID());
      await mkdir(dir, { recursive: true });
      return dir;
    },
  };
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    record.logs.push(fields === undefined ? { level, message } : { level, message, fields });
  };
  const context: StepContext<Static<P>, InputValues<I>> = {
    params,
    inputs: inputs as InputValues<I>,
    sources,
    signal: options.signal ?? new AbortController().signal,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    progress: (fraction, message) => {
      record.progress.push(message === undefined ? { fraction } : { fraction, message });
    },
    metric: (name, value, opts) => {
      record.metrics[name] = value;
      record.metricSeries.push(opts?.step === undefined ? { name, value } : { name, value, step: opts.step });
    },
    artifacts,
    resolvePath: (path) => (isAbsolute(path) ? path : resolve(baseDir, path)),
    models: { ...noModelRegistry(definition), ...options.models },
    step: {
      runId: 'test-run',
      stepId: 'test-step',
      attempt: 1,
      nodeType: definition.type,
      nodeVersion: definition.version,
    },
  };
  const outputs = await definition.run(context);
  for (const name of Object.keys(definition.outputs)) {
    if ((outputs as Record<string, unknown>)[name] === undefined) {
      throw new Error(`${definition.type}@${definition.version}: run() returned no value for output "${name}"`);
    }
  }
  return { ...record, outputs };
}

function noModelRegistry(definition: AnyNodeDefinition): ModelRegistryAccess {
  const refuse = (method: string) => async (): Promise<never> => {
    throw new NodeError(
      `${definition.type}@${definition.version}: ctx.models.${method} was called, but runNode was given no model registry: pass options.models`,
      { retryable: false },
    );
  };
  return { deploy: refuse('deploy'), traffic: refuse('traffic') };
}

function inputSources(
  definition: AnyNodeDefinition,
  inputs: Record<string, unknown>,
  given: Partial<Record<string, InputSource[]>>,
): Record<string, InputSource[]> {
  const sources: Record<string, InputSource[]> = {};
  for (const [name, port] of Object.entries(definition.inputs as InputPorts)) {
    const value = inputs[name];
    if (value === undefined) continue;
    const count = port.multiple && Array.isArray(value) ? value.length : 1;
    const listed = given[name];
    if (listed !== undefined && listed.length !== count) {
      throw new Error(
        `${definition.type}@${definition.version}: sources.${name} lists ${listed.length} source(s) for ${count} value(s)`,
      );
    }
    sources[name] =
      listed ??
      Array.from({ length: count }, (_, i) => ({ node: port.multiple ? `${name}_${i + 1}` : name, port: 'out' }));
  }
  return sources;
}

/** Narrows an erased definition back for {@link runNode} in table-driven tests. */
export function asDefinition(definition: AnyNodeDefinition): NodeDefinition<TObject, InputPorts, OutputPorts> {
  return definition as NodeDefinition<TObject, InputPorts, OutputPorts>;
}
