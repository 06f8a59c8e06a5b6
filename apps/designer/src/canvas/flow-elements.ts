import type { PipelineDocument, PipelineEdge, PipelineNode, PipelineNote } from '@loom/graph';
import type { CatalogNode, NodeCatalog } from '@loom/sdk';
import type { Edge, Node } from '@xyflow/react';
import { availableUpgrade } from '../catalog/node-upgrade.ts';
import { edgeKey, type XY } from '../store/document-slice.ts';
import { NOTE_SIZE, type NoteFlowNode } from './NoteNodeView.tsx';
import type { NodeGeometry } from './node-geometry.ts';

/** What a pipeline node component gets: the document node and its catalog entry, both stable objects. */
export interface PipelineNodeData extends Record<string, unknown> {
  node: PipelineNode;
  /** Undefined when the node's type or version is not installed; the node then shows that problem. */
  entry: CatalogNode | undefined;
  /** A newer installed version of the node's type, which "Upgrade node" moves it to. */
  upgrade: string | undefined;
}

export type PipelineFlowNode = Node<PipelineNodeData, 'pipeline'>;
export type PipelineFlowEdge = Edge<Record<string, never>>;
/** What the canvas hands React Flow: pipeline nodes and free-standing notes. */
export type CanvasFlowNode = PipelineFlowNode | NoteFlowNode;

/** Catalog entries by `type@version`, and port colours by port type name. */
export interface CatalogIndex {
  catalog: NodeCatalog;
  entries: ReadonlyMap<string, CatalogNode>;
  portColors: ReadonlyMap<string, string>;
}

export function indexCatalog(catalog: NodeCatalog): CatalogIndex {
  return {
    catalog,
    entries: new Map(catalog.nodes.map((entry) => [`${entry.type}@${entry.version}`, entry])),
    portColors: new Map(catalog.portTypes.map((type) => [type.name, type.color])),
  };
}

export function entryOf(index: CatalogIndex, node: PipelineNode): CatalogNode | undefined {
  return index.entries.get(`${node.type}@${node.version}`);
}

const ORIGIN: XY = { x: 0, y: 0 };

/**
 * Derives React Flow nodes from the document. A flow node is rebuilt only when its document node, its
 * selection, its transient drag position or the overview mode changed, so memoised node components
 * skip the rest and React Flow keeps what it measured of them.
 *
 * Each node carries its size and handle positions ({@link NodeGeometry}), so React Flow never has to
 * render a node to know where its edges end; in overview mode every node is `hidden` (the overview
 * layer draws them) and React Flow renders none.
 */
export class FlowNodeCache {
  #cache = new WeakMap<PipelineNode, { selected: boolean; hidden: boolean; flow: PipelineFlowNode }>();
  #notes = new WeakMap<PipelineNote, { selected: boolean; hidden: boolean; flow: NoteFlowNode }>();

  constructor(
    readonly index: CatalogIndex,
    readonly geometry: NodeGeometry,
  ) {}

  nodes(
    document: PipelineDocument,
    selected: ReadonlySet<string>,
    dragging: ReadonlyMap<string, XY>,
    hidden: boolean,
  ): CanvasFlowNode[] {
    const nodes: CanvasFlowNode[] = document.nodes.map((node) => {
      const isSelected = selected.has(node.id);
      const dragged = dragging.get(node.id);
      const cached = this.#cache.get(node);
      if (dragged === undefined && cached !== undefined && cached.selected === isSelected && cached.hidden === hidden)
        return cached.flow;
      const entry = entryOf(this.index, node);
      const flow: PipelineFlowNode = {
        id: node.id,
        type: 'pipeline',
        position: dragged ?? node.ui?.position ?? ORIGIN,
        selected: isSelected,
        data: { node, entry, upgrade: availableUpgrade(this.index.catalog, node) },
        measured: this.geometry.size(node.id, entry),
      };
      const handles = this.geometry.handles(entry);
      if (handles !== undefined) flow.handles = handles;
      if (hidden) flow.hidden = true;
      if (dragged === undefined) this.#cache.set(node, { selected: isSelected, hidden, flow });
      return flow;
    });
    for (const note of document.notes ?? [])
      nodes.push(this.#note(note, selected.has(note.id), dragging.get(note.id), hidden));
    return nodes;
  }

  /** Notes sit below nodes and edges, so a note never hides a port. */
  #note(note: PipelineNote, selected: boolean, dragged: XY | undefined, hidden: boolean): NoteFlowNode {
    const cached = this.#notes.get(note);
    if (dragged === undefined && cached !== undefined && cached.selected === selected && cached.hidden === hidden)
      return cached.flow;
    const size = note.size ?? NOTE_SIZE;
    const flow: NoteFlowNode = {
      id: note.id,
      type: 'note',
      position: dragged ?? note.position,
      selected,
      data: { note },
      width: size.width,
      height: size.height,
      measured: size,
      zIndex: -1,
    };
    if (hidden) flow.hidden = true;
    if (dragged === undefined) this.#notes.set(note, { selected, hidden, flow });
    return flow;
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
  ): PipelineFlowEdge[] {
    const byId = nodesById(document);
    return document.edges.map((edge) => {
      const id = edgeKey(edge);
      const isSelected = selected.has(id);
      const isInvalid = invalid.has(id);
      const color = edgeColor(this.index, outputType(this.index, byId.get(edge.from.node), edge.from.port));
      const cached = this.#cache.get(edge);
      if (
        cached !== undefined &&
        cached.selected === isSelected &&
        cached.invalid === isInvalid &&
        cached.color === color
      )
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

const EDGE_FALLBACK = '#94a3b8';
const byIdCache = new WeakMap<PipelineDocument, ReadonlyMap<string, PipelineNode>>();

/** The document's nodes by id, built once per document (edges look their ends up by id, thousands of times). */
export function nodesById(document: PipelineDocument): ReadonlyMap<string, PipelineNode> {
  let byId = byIdCache.get(document);
  if (byId === undefined) {
    byId = new Map(document.nodes.map((node) => [node.id, node]));
    byIdCache.set(document, byId);
  }
  return byId;
}

/** The port type of a node's output, when the node's type is installed and has that output. */
export function outputType(index: CatalogIndex, node: PipelineNode | undefined, port: string): string | undefined {
  if (node === undefined) return undefined;
  return entryOf(index, node)?.outputs.find((output) => output.name === port)?.type;
}

export function edgeColor(index: CatalogIndex, outputType: string | undefined): string {
  return (outputType === undefined ? undefined : index.portColors.get(outputType)) ?? EDGE_FALLBACK;
}
