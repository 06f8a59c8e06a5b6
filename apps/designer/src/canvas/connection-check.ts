import { type ConnectionCheck, checkConnection } from '@loom/compiler';
import type { EditorState } from '../store/editor-types.ts';
import { nodesById } from './flow-elements.ts';

/** A connection as React Flow proposes it: node ids and handle ids (= port names). */
export interface FlowConnection {
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}

/**
 * Asks the compiler's own connection rule whether the canvas may draw this edge, with the edges
 * already going into the target port (so an input that takes one connection refuses a second).
 */
export function checkCanvasConnection(state: EditorState, connection: FlowConnection): ConnectionCheck {
  // Asked on every pointer move over a handle while connecting: look the ends up by id, not by search.
  const nodes = nodesById(state.document);
  const source = nodes.get(connection.source);
  const target = nodes.get(connection.target);
  const sourcePort = connection.sourceHandle ?? '';
  const targetPort = connection.targetHandle ?? '';
  if (source === undefined || target === undefined) {
    return { ok: false, code: 'node.unknown', reason: 'the node at one end is no longer in the pipeline' };
  }
  const existing = state.document.edges.filter((edge) => edge.to.node === target.id && edge.to.port === targetPort);
  if (existing.some((edge) => edge.from.node === source.id && edge.from.port === sourcePort)) {
    return {
      ok: false,
      code: 'edge.multiple-into-single',
      reason: 'these ports are connected already',
      existing: existing[0] as never,
    };
  }
  return checkConnection(
    state.catalog.registry,
    {
      source: { node: source.id, type: source.type, version: source.version, port: sourcePort },
      target: { node: target.id, type: target.type, version: target.version, port: targetPort },
    },
    existing,
  );
}
