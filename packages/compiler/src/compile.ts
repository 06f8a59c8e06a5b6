import {
  canonicalJson,
  type Diagnostic,
  edgeLabel,
  error,
  loadDocument,
  type PipelineDocument,
  type PipelineParameter,
  pointer,
  valueMatchesParameterType,
} from '@loom/graph';
import type { InputPorts, NodeRegistry, RegisteredNode } from '@loom/sdk';
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
  const loaded = loadDocument(raw);
  if (!loaded.ok) return loaded;
  const document = loaded.document;
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

  // Edges: ports, types, fan-in.
  const indexById = new Map<string, number>();
  nodes.forEach((node, index) => {
    indexById.set(node.id, index);
  });
  const inputs: Array<Record<string, PlanInputRef[]>> = nodes.map(() => ({}));
  const inputEdgeIndex: Array<Record<string, number>> = nodes.map(() => ({}));
  const successors: number[][] = nodes.map(() => []);
  document.edges.forEach((edge, edgeIndex) => {
    const from = indexById.get(edge.from.node);
    const to = indexById.get(edge.to.node);
    if (from === undefined || to === undefined) return; // reported while loading
    successors[from]?.push(to);
    const source = entries[from];
    const target = entries[to];
    if (source === undefined || target === undefined) return; // unknown type, reported above
    const where = { edgeId: edge.id, path: pointer('edges', edgeIndex) };
    const outputPort = (source.definition.outputs as Record<string, { type: string }>)[edge.from.port];
    const inputPort = (target.definition.inputs as InputPorts)[edge.to.port];
    if (outputPort === undefined) {
      diagnostics.push(
        error(
          'edge.unknown-port',
          `edge ${edgeLabel(edge)}: node "${edge.from.node}" (${source.definition.type}) has no output "${edge.from.port}"; its outputs are ${listOrNone(Object.keys(source.definition.outputs))}`,
          {
            ...where,
            path: pointer('edges', edgeIndex, 'from', 'port'),
          },
        ),
      );
    }
    if (inputPort === undefined) {
      diagnostics.push(
        error(
          'edge.unknown-port',
          `edge ${edgeLabel(edge)}: node "${edge.to.node}" (${target.definition.type}) has no input "${edge.to.port}"; its inputs are ${listOrNone(Object.keys(target.definition.inputs))}`,
          {
            ...where,
            path: pointer('edges', edgeIndex, 'to', 'port'),
          },
        ),
      );
    }
    if (outputPort === undefined || inputPort === undefined) return;
    if (!registry.canConnect(outputPort.type, inputPort.type)) {
      diagnostics.push(
        error(
          'edge.incompatible-types',
          `edge ${edgeLabel(edge)}: output "${edge.from.node}.${edge.from.port}" is ${outputPort.type}, but input "${edge.to.node}.${edge.to.port}" takes ${inputPort.type}`,
          where,
        ),
      );
      return;
    }
    const targetInputs = inputs[to] as Record<string, PlanInputRef[]>;
    const existing = targetInputs[edge.to.port];
    if (existing !== undefined && !inputPort.multiple) {
      const firstEdge = document.edges[(inputEdgeIndex[to] as Record<string, number>)[edge.to.port] as number];
      diagnostics.push(
        error(
          'edge.multiple-into-single',
          `input "${edge.to.node}.${edge.to.port}" takes one connection, but edges ${firstEdge === undefined ? '?' : edgeLabel(firstEdge)} and ${edgeLabel(edge)} both feed it`,
          where,
        ),
      );
      return;
    }
    if (existing === undefined) {
      targetInputs[edge.to.port] = [{ step: edge.from.node, port: edge.from.port }];
      (inputEdgeIndex[to] as Record<string, number>)[edge.to.port] = edgeIndex;
    } else {
      existing.push({ step: edge.from.node, port: edge.from.port });
    }
  });

  // Required inputs.
  nodes.forEach((node, index) => {
    const entry = entries[index];
    if (entry === undefined) return;
    for (const [port, spec] of Object.entries(entry.definition.inputs as InputPorts)) {
      if (spec.required && !spec.multiple && inputs[index]?.[port] === undefined) {
        diagnostics.push(
          error('input.unconnected', `required input "${port}" (${spec.type}) of node "${node.id}" is not connected`, {
            nodeId: node.id,
            path: pointer('nodes', index),
          }),
        );
      } else if (spec.required && spec.multiple && inputs[index]?.[port] === undefined) {
        diagnostics.push(
          error(
            'input.unconnected',
            `input "${port}" (${spec.type}) of node "${node.id}" needs at least one connection`,
            {
              nodeId: node.id,
              path: pointer('nodes', index),
            },
          ),
        );
      }
    }
  });

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

  if (diagnostics.some((d) => d.severity === 'error') || !ordered.ok) return { ok: false, diagnostics };

  const steps: PlanStep[] = [];
  const cacheKeys = new Map<string, string>();
  for (const index of ordered.order) {
    const node = nodes[index];
    const entry = entries[index];
    if (node === undefined || entry === undefined) continue;
    const definition = entry.definition;
    const params = resolvedParams[index] ?? {};
    const stepInputs = inputs[index] ?? {};
    const identityKey = hash(
      canonicalJson(['loom.step/1', definition.type, definition.version, entry.implementationHash, params]),
    );
    const inputKeys = Object.keys(stepInputs)
      .sort()
      .map((port) => [port, (stepInputs[port] ?? []).map((ref) => `${cacheKeys.get(ref.step)}:${ref.port}`)]);
    const cacheKey = hash(canonicalJson(['loom.cache/1', identityKey, inputKeys]));
    cacheKeys.set(node.id, cacheKey);
    const dependsOn = [...new Set(Object.values(stepInputs).flatMap((refs) => refs.map((ref) => ref.step)))].sort();
    steps.push({
      id: node.id,
      type: definition.type,
      version: definition.version,
      title: node.ui?.label ?? node.id,
      params,
      inputs: sortedRecord(stepInputs),
      outputs: Object.fromEntries(
        Object.entries(definition.outputs as Record<string, { type: string }>).map(([port, spec]) => [port, spec.type]),
      ),
      dependsOn,
      backend: definition.resources.backend,
      resources: {
        cpu: definition.resources.cpu,
        memoryMb: definition.resources.memoryMb,
        gpu: definition.resources.gpu,
      },
      retry: node.retries === undefined ? definition.retry : { ...definition.retry, retries: node.retries },
      timeoutMs: node.timeoutMs ?? definition.timeoutMs,
      cacheable: definition.cacheable,
      identityKey,
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
    documentHash: hash(canonicalJson(document)),
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

function listOrNone(names: string[]): string {
  return names.length === 0 ? '(none)' : names.map((n) => `"${n}"`).join(', ');
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key] as T]),
  );
}
