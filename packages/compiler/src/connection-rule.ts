import type { AnyNodeDefinition, InputPort, NodeRegistry } from '@loom/sdk';

/** One end of a connection: a node of the document, its type and version, and one of its ports. */
export interface ConnectionEnd {
  /** The node's id in the document. */
  node: string;
  /** The node's type, e.g. `core.read_json`. */
  type: string;
  /** The node's pinned version. */
  version: string;
  /** An output port name on the source end, an input port name on the target end. */
  port: string;
}

/** A connection from an output (`source`) to an input (`target`), proposed or already drawn. */
export interface Connection {
  source: ConnectionEnd;
  target: ConnectionEnd;
}

/** An edge already in the document, as far as the rule needs it (a `PipelineEdge` fits). */
export interface ExistingEdge {
  from: { node: string; port: string };
  to: { node: string; port: string };
}

/** Why a connection is refused; `code` is stable, `reason` is a sentence for the user. */
export type ConnectionRefusal =
  | { ok: false; code: 'node.unknown'; reason: string }
  | {
      ok: false;
      code: 'edge.unknown-port';
      reason: string;
      /** Each end that names a port its node does not have, with the sentence for that end. */
      missing: ReadonlyArray<{ end: 'source' | 'target'; reason: string }>;
    }
  | { ok: false; code: 'edge.incompatible-types'; reason: string }
  | {
      ok: false;
      code: 'edge.multiple-into-single';
      reason: string;
      /** The edge that already feeds the input. */
      existing: ExistingEdge;
    }
  | { ok: false; code: 'edge.self-loop'; reason: string };

/** The rule's answer: `{ ok: true }`, or a refusal saying why. */
export type ConnectionCheck = { readonly ok: true } | ConnectionRefusal;

const ACCEPTED = Object.freeze({ ok: true } as const);

/**
 * The one connection rule, shared by the compiler (for every edge of a document) and the canvas (on
 * every drag over a handle). A connection is refused when either node's type and version is not
 * installed, either end names a port its node does not have, the output's type does not fit the input's
 * (`registry.canConnect`), the input takes one connection and already has one, or it leads from a node
 * back into itself. The checks run in that order and the first that fails answers.
 *
 * It needs no compiled document, only two registry look-ups: `existingEdges` are the edges already in
 * the document that may go into the target port. Those into other ports are ignored, so a caller may
 * pass just the edges into that port (cheapest) or all of them.
 *
 * @example
 * checkConnection(registry, {
 *   source: { node: 'train', type: 'train.logistic_regression', version: '1.0.0', port: 'model' },
 *   target: { node: 'validate', type: 'evaluate.onnx_parity', version: '1.0.0', port: 'onnx' },
 * }, []);
 * // { ok: false, code: 'edge.incompatible-types',
 * //   reason: 'output "train.model" is model, but input "validate.onnx" takes onnx' }
 */
export function checkConnection(
  registry: NodeRegistry,
  connection: Connection,
  existingEdges: readonly ExistingEdge[],
): ConnectionCheck {
  const { source, target } = connection;
  const sourceEntry = registry.get(source.type, source.version);
  const targetEntry = registry.get(target.type, target.version);
  if (sourceEntry === undefined || targetEntry === undefined) {
    const unknown = sourceEntry === undefined ? source : target;
    return {
      ok: false,
      code: 'node.unknown',
      reason: `node "${unknown.node}" is ${unknown.type}@${unknown.version}, which is not installed`,
    };
  }
  return checkPortConnection(registry, source, sourceEntry.definition, target, targetEntry.definition, existingEdges);
}

/** A node's port as the rule names it: the node's id and the port's name. */
export interface PortRef {
  node: string;
  port: string;
}

/**
 * {@link checkConnection} past the registry look-ups, for a caller that has made them already: the
 * compiler, which checks every edge of a document and must not pay for them (or for building a
 * {@link Connection}) twice.
 */
export function checkPortConnection(
  registry: NodeRegistry,
  source: PortRef,
  sourceDefinition: AnyNodeDefinition,
  target: PortRef,
  targetDefinition: AnyNodeDefinition,
  existingEdges: readonly ExistingEdge[],
): Exclude<ConnectionCheck, { code: 'node.unknown' }> {
  const output = (sourceDefinition.outputs as Record<string, { type: string }>)[source.port];
  const input = (targetDefinition.inputs as Record<string, InputPort>)[target.port];
  if (output === undefined || input === undefined) {
    const missing: Array<{ end: 'source' | 'target'; reason: string }> = [];
    if (output === undefined) {
      missing.push({ end: 'source', reason: noSuchPort(source, sourceDefinition, 'output') });
    }
    if (input === undefined) {
      missing.push({ end: 'target', reason: noSuchPort(target, targetDefinition, 'input') });
    }
    return { ok: false, code: 'edge.unknown-port', reason: missing.map((m) => m.reason).join('; '), missing };
  }
  if (!registry.canConnect(output.type, input.type)) {
    return {
      ok: false,
      code: 'edge.incompatible-types',
      reason: `output "${source.node}.${source.port}" is ${output.type}, but input "${target.node}.${target.port}" takes ${input.type}`,
    };
  }
  if (!input.multiple) {
    const existing = existingEdges.find((edge) => edge.to.node === target.node && edge.to.port === target.port);
    if (existing !== undefined) {
      return {
        ok: false,
        code: 'edge.multiple-into-single',
        reason: `input "${target.node}.${target.port}" takes one connection and already has one, from "${existing.from.node}.${existing.from.port}"`,
        existing,
      };
    }
  }
  // Last, so that a self-loop's other faults are reported as for any edge: the compiler leaves
  // self-loops to its cycle check, which names them as cycles.
  if (source.node === target.node) {
    return {
      ok: false,
      code: 'edge.self-loop',
      reason: `node "${source.node}" cannot feed its own input: a pipeline must be acyclic`,
    };
  }
  return ACCEPTED;
}

function noSuchPort(end: PortRef, definition: AnyNodeDefinition, kind: 'output' | 'input'): string {
  const names = Object.keys(kind === 'output' ? definition.outputs : definition.inputs);
  const list = names.length === 0 ? '(none)' : names.map((n) => `"${n}"`).join(', ');
  return `node "${end.node}" (${definition.type}) has no ${kind} "${end.port}"; its ${kind}s are ${list}`;
}
