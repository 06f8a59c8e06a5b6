import type { PipelineDocument, PipelineEdge, PipelineNode } from '@loom/graph';
import type { CatalogNode, NodeCatalog } from '@loom/sdk';
import type { Edge, Node } from '@xyflow/react';
import { edgeKey, type XY } from '../store/document-slice.ts';

/** What a pipeline node component gets: the document node and its catalog entry, both stable objects. */
export interface PipelineNodeData extends Record<string, unknown> {
  node: PipelineNode;
  /** Undefined when the node's type or version is not installed; the node then shows that problem. */
  entry: CatalogNode | undefined;
}

export type PipelineFlowNode = Node<PipelineNodeData, 'pipeline'>;
export type PipelineFlowEdge = Edge<Record<string, never>>;

/** Catalog entries by `type@version`, and port colours by port type name. */
export interface CatalogIndex {
  entries: ReadonlyMap<string, CatalogNode>;
  portColors: ReadonlyMap<string, string>;
}

export function indexCatalog(catalog: NodeCatalog): CatalogIndex {
  return {
    entries: new Map(catalog.nodes.map((entry) => [`${entry.type}@${entry.version}`, entry])),
    portColors: new Map(catalog.portTypes.map((type) => [type.name, type.color])),
  };
}

const ORIGIN: XY = { x: 0, y: 0 };

/**
 * Derives React Flow nodes from the document. A flow node is rebuilt only when its document node, its
 * selection or its transient drag position changed, so memoised node components skip the rest.
 */
export class FlowNodeCache {
  #cache = new WeakMap<PipelineNode, { selected: boolean; flow: PipelineFlowNode }>();

  constructor(readonly index: CatalogIndex) {}

  nodes(document: PipelineDocument, selected: ReadonlySet<string>, dragging: ReadonlyMap<string, XY>): PipelineFlowNode[] {
    return document.nodes.map((node) => {
      const isSelected = selected.has(node.id);
      const dragged = dragging.get(node.id);
      const cached = this.#cache.get(node);
      if (dragged === undefined && cached !== undefined && cached.selected === isSelected) return cached.flow;
      const flow: PipelineFlowNode = {
        id: node.id,
        type: 'pipeline',
        position: dragged ?? node.ui?.position ?? ORIGIN,
        selected: isSelected,
        data: { node, entry: this.index.entries.get(`${node.type}@${node.version}`) },
      };
      if (dragged === undefined) this.#cache.set(node, { selected: isSelected, flow });
      return flow;
    });
  }
}

/** As {@link FlowNodeCache}, for edges: coloured by the type of the output they leave. */
export class FlowEdgeCache {
  #cache = new WeakMap<PipelineEdge, { selected: boolean; invalid: boolean; color: string; flow: PipelineFlowEdge }>();

  constructor(readonly index: CatalogIndex) {}

  edges(
    document: PipelineDocument,
    selected: ReadonlySet<string>,
    invalid: ReadonlyMap<string, unknown>,
    outputType: (nodeId: string, port: string) => string | undefined,
  ): PipelineFlowEdge[] {
    return document.edges.map((edge) => {
      const id = edgeKey(edge);
      const isSelected = selected.has(id);
      const isInvalid = invalid.has(id);
      const type = outputType(edge.from.node, edge.from.port);
      const color = (type === undefined ? undefined : this.index.portColors.get(type)) ?? '#94a3b8';
      const cached = this.#cache.get(edge);
      if (cached !== undefined && cached.selected === isSelected && cached.invalid === isInvalid && cached.color === color)
        return cached.flow;
      const flow: PipelineFlowEdge = {
        id,
        source: edge.from.node,
        sourceHandle: edge.from.port,
        target: edge.to.node,
        targetHandle: edge.to.port,
        selected: isSelected,
        ...(isInvalid ? { className: 'edge-invalid' } : {}),
        style: { stroke: isInvalid ? 'var(--danger)' : color, strokeWidth: isSelected ? 3 : 2 },
      };
      this.#cache.set(edge, { selected: isSelected, invalid: isInvalid, color, flow });
      return flow;
    });
  }
}
