import {
  canonicalJson,
  type Diagnostic,
  edgeLabel,
  error,
  loadDocument,
  type PipelineDocument,
  type PipelineEdge,
  type PipelineNode,
  type PipelineParameter,
  pointer,
  sortStrings,
  valueMatchesParameterType,
} from '@loom/graph';
import type { InputPorts, NodeRegistry, RegisteredNode } from '@loom/sdk';
import { checkPortConnection, type ExistingEdge } from './connection-rule.ts';
import { findDataLeakage } from './data-leakage.ts';
import { simpleCycleOrder, topologicalOrder } from './graph-order.ts';
import { sha256Hex } from './hash.ts';
import type { Plan, PlanInputRef, PlanStep } from './plan.ts';
import { type ParameterValues, resolveNodeParams, UNSET } from './resolve-params.ts';

export interface CompileOptions {
  /**
   * Values for pipeline parameters, overriding their defaults. A parameter left without a value is an
   * error unless `allowUnsetParameters` is true (as when validating a document before a run).
   */
  parameters?: Record<string, unknown>;
  /** @default false */
  allowUnsetParameters?: boolean;
  /** sha256 as hex; the default is pure JavaScript, hosts may pass a native one (same results, faster). */
  hash?: (text: string) => string;
}

export type CompileResult =
  | { ok: true; plan: Plan; document: PipelineDocument; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * Compiles a pipeline document (as parsed from JSON) against a node registry into a plan, or reports
 * every problem found. Pure and deterministic: the same document, registry and options give the same
 * plan, byte for byte.
 */
export function compile(raw: unknown, registry: NodeRegistry, options: CompileOptions = {}): CompileResult {
  const loaded = loadDocument(raw, { continuePastReferences: true });
  if (!loaded.ok) return loaded;
  const compiled = compileDocument(loaded.document, registry, options);
  // An undefined parameter reference is reported first, with everything else the compiler finds.
  if (loaded.diagnostics === undefined) return compiled;
  return { ok: false, diagnostics: [...loaded.diagnostics, ...compiled.diagnostics] };
}

/**
 * As {@link compile}, for a document that `loadDocument` or `parseDocument` has already accepted, so
 * that a caller who loaded it (to read its parameters, say) does not pay for validating it twice.
 */
export function compileDocument(
  document: PipelineDocument,
  registry: NodeRegistry,
  options: CompileOptions = {},
): CompileResult {
  const hash = options.hash ?? sha256Hex;
  const diagnostics: Diagnostic[] = [];

  const values = resolveParameterValues(document, options, diagnostics);

  // Node types and parameters.
  const nodes = document.nodes;
  const entries: Array<RegisteredNode | undefined> = nodes.map((node, index) => {
    const entry = registry.get(node.type, node.version);
    if (entry === undefined) {
      const versions = registry.versions(node.type);
      diagnostics.push(
        versions.length === 0
          ? error('node.unknown-type', `unknown node type "${node.type}"; is the plugin that provides it installed?`, {
              nodeId: node.id,
              path: pointer('nodes', index, 'type'),
            })
          : error(
              'node.unknown-version',
              `${node.type} has no version ${node.version}; installed: ${versions.join(', ')}`,
              { nodeId: node.id, path: pointer('nodes', index, 'version') },
            ),
      );
    }
    return entry;
  });
  const resolvedParams = nodes.map((node, index) => {
    const entry = entries[index];
    if (entry === undefined) return {};
    const resolved = resolveNodeParams(node, index, entry.definition, values);
    diagnostics.push(...resolved.diagnostics);
    return resolved.params;
  });

  // Edges: ports, types, fan-in. Plain loops and per-node records made on first use: with 10,000
  // nodes, most of the cost here is allocation.
  const indexById = new Map<string, number>();
  for (let index = 0; index < nodes.length; index++) indexById.set((nodes[index] as PipelineNode).id, index);
  const inputs: Array<Record<string, PlanInputRef[]> | undefined> = new Array(nodes.length);
  const successors: Array<number[] | undefined> = new Array(nodes.length);
  // Input ports that some refused edge leads into: not unconnected, whatever else is wrong with that edge.
  const refusedInto: Array<Record<string, true> | undefined> = new Array(nodes.length);
  const edges = document.edges;
  for (let edgeIndex = 0; edgeIndex < edges.length; edgeIndex++) {
    const edge = edges[edgeIndex] as PipelineEdge;
    const from = indexById.get(edge.from.node);
    const to = indexById.get(edge.to.node);
    if (from === undefined || to === undefined) continue; // reported while loading
    const out = successors[from];
    if (out === undefined) successors[from] = [to];
    else out.push(to);
    const problem = checkEdge(edge, edgeIndex, entries[from], entries[to], inputs[to], registry, edges);
    if (problem !== undefined) {
      recordAt(refusedInto, to)[edge.to.port] = true;
      if (problem !== 'unknown-type') diagnostics.push(...problem);
      continue;
    }
    const targetInputs = recordAt(inputs, to);
    const existing = targetInputs[edge.to.port];
    if (existing === undefined) targetInputs[edge.to.port] = [{ step: edge.from.node, port: edge.from.port }];
    else existing.push({ step: edge.from.node, port: edge.from.port });
  }

  // Required inputs.
  for (let index = 0; index < nodes.length; index++) {
    const entry = entries[index];
    if (entry === undefined) continue;
    for (const [port, spec] of summarise(entry).requiredInputs) {
      if (inputs[index]?.[port] !== undefined || refusedInto[index]?.[port] === true) continue;
      const node = nodes[index] as PipelineNode;
      diagnostics.push(
        error(
          'input.unconnected',
          spec.multiple
            ? `input "${port}" (${spec.type}) of node "${node.id}" needs at least one connection`
            : `required input "${port}" (${spec.type}) of node "${node.id}" is not connected`,
          { nodeId: node.id, path: pointer('nodes', index) },
        ),
      );
    }
  }

  // A GPU step cannot be sent where no GPU is (a Kubernetes Job asks for one, a GPU worker has one).
  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index] as PipelineNode;
    const entry = entries[index];
    if (node.backend !== 'cpu' || entry === undefined || entry.definition.resources.gpu.count <= 0) continue;
    diagnostics.push(
      error(
        'node.backend',
        `node "${node.id}" (${entry.definition.type}) needs ${entry.definition.resources.gpu.count} GPU, which backend "cpu" has none of: use "gpu" or "kubernetes"`,
        { nodeId: node.id, path: `${pointer('nodes', index)}/backend` },
      ),
    );
  }

  // Order and cycles.
  const ordered = topologicalOrder(nodes.length, successors);
  if (!ordered.ok) {
    for (const component of ordered.cycles) {
      const cycle = simpleCycleOrder(component, successors);
      const ids = (cycle ?? component).map((i) => nodes[i]?.id as string);
      const message =
        cycle === undefined
          ? `nodes ${ids.map((id) => `"${id}"`).join(', ')} depend on each other in a cycle; a pipeline must be acyclic`
          : `cycle: ${[...ids, ids[0]].map((id) => `"${id}"`).join(' → ')}; a pipeline must be acyclic`;
      diagnostics.push(
        error('graph.cycle', message, { nodeId: ids[0], path: pointer('nodes', component[0] as number) }),
      );
    }
  }

  // Data leakage: the rows a validation scores must be rows that no fitted step learnt from.
  if (ordered.ok) {
    diagnostics.push(
      ...findDataLeakage({ nodes, entries, inputs, params: resolvedParams, indexById, order: ordered.order }),
    );
  }

  if (diagnostics.some((d) => d.severity === 'error') || !ordered.ok) return { ok: false, diagnostics };

  const steps: PlanStep[] = [];
  const cacheKeys: string[] = new Array(nodes.length);
  for (const index of ordered.order) {
    const node = nodes[index];
    const entry = entries[index];
    if (node === undefined || entry === undefined) continue;
    const definition = entry.definition;
    const params = resolvedParams[index] ?? {};
    const stepInputs = inputs[index] ?? {};
    const summary = summarise(entry);
    const ports = Object.keys(stepInputs);
    if (ports.length > 1) sortStrings(ports);
    const sortedInputs: Record<string, PlanInputRef[]> = {};
    const dependsOn: string[] = [];
    let inputKeys = '';
    for (const port of ports) {
      const refs = stepInputs[port] as PlanInputRef[];
      sortedInputs[port] = refs;
      // Port names are identifiers (defineNode checks), so they need no quoting here.
      inputKeys += `${port}:`;
      for (let i = 0; i < refs.length; i++) {
        const ref = refs[i] as PlanInputRef;
        inputKeys += `${cacheKeys[indexById.get(ref.step) as number]}.${ref.port},`;
        if (!dependsOn.includes(ref.step)) dependsOn.push(ref.step);
      }
    }
    // One hash per step: this runs for every node of every compile (10,000 nodes in the bench).
    const cacheKey = hash(`loom.cache/1\n${summary.identityPrefix}${canonicalJson(params)}]\n${inputKeys}`);
    cacheKeys[index] = cacheKey;
    steps.push({
      id: node.id,
      type: definition.type,
      version: definition.version,
      title: node.ui?.label ?? node.id,
      params,
      inputs: sortedInputs,
      outputs: summary.outputs,
      dependsOn: sortStrings(dependsOn),
      backend: node.backend ?? definition.resources.backend,
      resources: summary.resources,
      retry: node.retries === undefined ? definition.retry : { ...definition.retry, retries: node.retries },
      timeoutMs: node.timeoutMs ?? definition.timeoutMs,
      cacheable: definition.cacheable,
      implementationHash: entry.implementationHash,
      source: entry.source,
      cacheKey,
    });
  }

  const parameters: Record<string, string | number | boolean> = {};
  for (const name of [...values.keys()].sort()) {
    const value = values.get(name);
    if (value !== undefined && value !== UNSET) parameters[name] = value;
  }
  const plan: Plan = {
    planVersion: 1,
    pipeline: document.name,
    parameters,
    steps,
  };
  return { ok: true, plan, document, diagnostics };
}

function resolveParameterValues(
  document: PipelineDocument,
  options: CompileOptions,
  diagnostics: Diagnostic[],
): ParameterValues {
  const declared: Record<string, PipelineParameter> = document.parameters ?? {};
  const given = options.parameters ?? {};
  const values = new Map<string, string | number | boolean | typeof UNSET>();
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name)) {
      diagnostics.push(
        error(
          'parameter.unknown',
          `a value was given for pipeline parameter "${name}", which the document does not define`,
          {
            path: pointer('parameters'),
          },
        ),
      );
    }
  }
  for (const [name, parameter] of Object.entries(declared)) {
    const value = Object.hasOwn(given, name) ? given[name] : parameter.default;
    const path = pointer('parameters', name);
    if (value === undefined) {
      if (!options.allowUnsetParameters) {
        diagnostics.push(
          error('parameter.missing-value', `pipeline parameter "${name}" has no default and no value was given`, {
            path,
          }),
        );
      }
      values.set(name, UNSET);
    } else if (!valueMatchesParameterType(parameter, value)) {
      diagnostics.push(
        error(
          'parameter.bad-value',
          `pipeline parameter "${name}" must be ${parameter.type}, got ${JSON.stringify(value)}`,
          { path },
        ),
      );
      values.set(name, UNSET);
    } else if (parameter.enum !== undefined && !parameter.enum.includes(value as string | number)) {
      diagnostics.push(
        error(
          'parameter.bad-value',
          `pipeline parameter "${name}" must be one of ${parameter.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`,
          { path },
        ),
      );
      values.set(name, UNSET);
    } else {
      values.set(name, value as string | number | boolean);
    }
  }
  return values;
}

/** What every step of one node type version shares, worked out once per registry entry. */
interface EntrySummary {
  outputs: Readonly<Record<string, string>>;
  requiredInputs: ReadonlyArray<readonly [string, { type: string; multiple: boolean }]>;
  resources: Readonly<PlanStep['resources']>;
  /** `stepIdentity(…)` up to the parameters: the text before `params` and its closing bracket. */
  identityPrefix: string;
}

const summaries = new WeakMap<RegisteredNode, EntrySummary>();

function summarise(entry: RegisteredNode): EntrySummary {
  let summary = summaries.get(entry);
  if (summary === undefined) {
    const { definition } = entry;
    const outputs: Record<string, string> = {};
    for (const [port, spec] of Object.entries(definition.outputs as Record<string, { type: string }>))
      outputs[port] = spec.type;
    const full = stepIdentity(definition.type, definition.version, entry.implementationHash, {});
    summary = {
      outputs: Object.freeze(outputs),
      requiredInputs: Object.entries(definition.inputs as InputPorts).filter(([, spec]) => spec.required),
      resources: Object.freeze({
        cpu: definition.resources.cpu,
        memoryMb: definition.resources.memoryMb,
        gpu: definition.resources.gpu,
      }),
      identityPrefix: full.slice(0, full.length - '{}]'.length),
    };
    summaries.set(entry, summary);
  }
  return summary;
}

/**
 * What makes a step's own work what it is: node type, version, the hash of its code and its resolved
 * parameters. The runtime hashes the same text, with the inputs' content hashes, into a content key.
 */
export function stepIdentity(
  type: string,
  version: string,
  implementationHash: string,
  params: Record<string, unknown>,
): string {
  return canonicalJson(['loom.step/1', type, version, implementationHash, params]);
}

/**
 * Checks one edge between two nodes with the connection rule the canvas uses too; `undefined` when it
 * is sound. `unknown-type` means an end's node type is unknown, which was reported already.
 */
function checkEdge(
  edge: PipelineEdge,
  edgeIndex: number,
  source: RegisteredNode | undefined,
  target: RegisteredNode | undefined,
  targetInputs: Record<string, PlanInputRef[]> | undefined,
  registry: NodeRegistry,
  edges: readonly PipelineEdge[],
): Diagnostic[] | 'unknown-type' | undefined {
  if (source === undefined || target === undefined) return 'unknown-type';
  // Only an accepted edge can make a second one too many: refused ones never reach `targetInputs`.
  const accepted = targetInputs?.[edge.to.port]?.[0];
  const verdict = checkPortConnection(
    registry,
    edge.from,
    source.definition,
    edge.to,
    target.definition,
    accepted === undefined ? NO_EDGES : [{ from: { node: accepted.step, port: accepted.port }, to: edge.to }],
  );
  if (verdict.ok) return undefined;
  switch (verdict.code) {
    case 'edge.unknown-port':
      return verdict.missing.map((end) =>
        error('edge.unknown-port', `edge ${edgeLabel(edge)}: ${end.reason}`, {
          edgeId: edge.id,
          path:
            end.end === 'source'
              ? pointer('edges', edgeIndex, 'from', 'port')
              : pointer('edges', edgeIndex, 'to', 'port'),
        }),
      );
    case 'edge.incompatible-types':
      return [
        error('edge.incompatible-types', `edge ${edgeLabel(edge)}: ${verdict.reason}`, {
          edgeId: edge.id,
          path: pointer('edges', edgeIndex),
        }),
      ];
    case 'edge.multiple-into-single': {
      const existing = verdict.existing;
      const first = edges.find(
        (other, i) =>
          i < edgeIndex &&
          other.to.node === edge.to.node &&
          other.to.port === edge.to.port &&
          other.from.node === existing.from.node &&
          other.from.port === existing.from.port,
      );
      return [
        error(
          'edge.multiple-into-single',
          `input "${edge.to.node}.${edge.to.port}" takes one connection, but edges ${first === undefined ? '?' : edgeLabel(first)} and ${edgeLabel(edge)} both feed it`,
          { edgeId: edge.id, path: pointer('edges', edgeIndex) },
        ),
      ];
    }
    case 'edge.self-loop':
      // A document may hold one; the cycle check names it, as it names every cycle.
      return undefined;
  }
}

const NO_EDGES: readonly ExistingEdge[] = [];

/** The record at `index`, made on first use. */
function recordAt<T>(records: Array<Record<string, T> | undefined>, index: number): Record<string, T> {
  let record = records[index];
  if (record === undefined) {
    record = {};
    records[index] = record;
  }
  return record;
}
