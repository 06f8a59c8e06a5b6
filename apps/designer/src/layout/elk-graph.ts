import type { ElkExtendedEdge, ElkNode, ElkPort, LayoutOptions } from 'elkjs/lib/elk.bundled.js';

/** One end of an edge: a node id and the name of one of its ports. */
export interface LayoutPortRef {
  node: string;
  port: string;
}

/** A node to lay out, with its rendered size in pixels and its port names in the order they are drawn. */
export interface LayoutNode {
  id: string;
  width: number;
  height: number;
  /** Input port names, top to bottom; placed on the node's left (west) side. */
  inputs: string[];
  /** Output port names, top to bottom; placed on the node's right (east) side. */
  outputs: string[];
}

/** A connection from an output port to an input port. */
export interface LayoutEdge {
  from: LayoutPortRef;
  to: LayoutPortRef;
}

/** The graph handed to auto-layout: nodes in document order (that order is kept where the layout allows). */
export interface LayoutInput {
  nodes: LayoutNode[];
  edges: LayoutEdge[];
}

/** A position in canvas pixels. */
export interface XY {
  x: number;
  y: number;
}

/** Layout result: each node's top-left corner, rounded to whole pixels, by node id. */
export type LayoutPositions = Map<string, XY>;

/**
 * Root options for ELK's layered algorithm. Spacing is sized for the canvas's node cards; model order is
 * considered so that the document's node and edge order break ties, which keeps repeated layouts of the same
 * (or a slightly edited) pipeline from reshuffling. Crossing minimisation keeps ELK's default strategy.
 */
export const ELK_LAYOUT_OPTIONS: Readonly<LayoutOptions> = Object.freeze({
  'org.eclipse.elk.algorithm': 'layered',
  'org.eclipse.elk.direction': 'RIGHT',
  'org.eclipse.elk.spacing.nodeNode': '40',
  'org.eclipse.elk.layered.spacing.nodeNodeBetweenLayers': '80',
  'org.eclipse.elk.spacing.edgeNode': '20',
  'org.eclipse.elk.layered.spacing.edgeNodeBetweenLayers': '20',
  'org.eclipse.elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // Disconnected sub-pipelines are stacked in document order too (not by size), as far apart as nodes are.
  'org.eclipse.elk.layered.considerModelOrder.components': 'MODEL_ORDER',
  'org.eclipse.elk.spacing.componentComponent': '40',
  // No padding: the caller gets positions whose bounding box starts at the origin and can offset them freely.
  'org.eclipse.elk.padding': '[top=0,left=0,bottom=0,right=0]',
});

/** Per-node options: the ports keep the order and sides they are drawn with, so ELK routes to the real handles. */
const NODE_OPTIONS: Readonly<LayoutOptions> = Object.freeze({
  'org.eclipse.elk.portConstraints': 'FIXED_ORDER',
});

type Side = 'in' | 'out';

/*
 * ELK ids. An ELK edge may name a node or a port as its end, so node and port ids share one namespace: a node
 * called `1.out.0` would capture every edge to a port with that id. Each kind therefore gets its own prefix.
 * Port ids are built from indexes, not names, because node ids and port names are free text and joining them
 * could make two ports collide (`a/b` + `c` versus `a` + `b/c`).
 */
const NODE_PREFIX = 'n:';

function nodeId(id: string): string {
  return `${NODE_PREFIX}${id}`;
}

function portId(nodeIndex: number, side: Side, portIndex: number): string {
  return `p:${nodeIndex}.${side}.${portIndex}`;
}

/** Port names of one node side, with any names that only edges mention appended after the declared ones. */
function sidePorts(declared: readonly string[], mentioned: ReadonlySet<string> | undefined): string[] {
  const names = [...new Set(declared)];
  if (mentioned === undefined) return names;
  for (const name of mentioned) if (!names.includes(name)) names.push(name);
  return names;
}

/**
 * ELK's `port.index` counts clockwise from the top-left corner: down the east side, then up the west side.
 * Outputs therefore take 0..m-1 top to bottom, and inputs take m..m+n-1 starting from the bottom one.
 */
function elkPorts(nodeIndex: number, inputs: readonly string[], outputs: readonly string[]): ElkPort[] {
  const east = outputs.map<ElkPort>((_, k) => ({
    id: portId(nodeIndex, 'out', k),
    width: 0,
    height: 0,
    layoutOptions: { 'org.eclipse.elk.port.side': 'EAST', 'org.eclipse.elk.port.index': String(k) },
  }));
  const west = inputs.map<ElkPort>((_, k) => ({
    id: portId(nodeIndex, 'in', k),
    width: 0,
    height: 0,
    layoutOptions: {
      'org.eclipse.elk.port.side': 'WEST',
      'org.eclipse.elk.port.index': String(outputs.length + inputs.length - 1 - k),
    },
  }));
  return [...west, ...east];
}

/**
 * Converts a pipeline into an ELK JSON graph: one child per node, one port per input
 * and output, and one edge per connection attached to its two ports.
 *
 * Edges whose node is missing are dropped rather than failing the whole layout (a half-deleted selection
 * should still lay out). An edge naming a port the node does not declare (for example a node whose type is
 * not installed, so its ports are unknown) gets that port appended to the right side, so the connection
 * still pulls the two nodes together.
 */
export function toElkGraph(input: LayoutInput): ElkNode {
  const indexById = new Map<string, number>();
  for (const [index, node] of input.nodes.entries()) if (!indexById.has(node.id)) indexById.set(node.id, index);
  const edges = input.edges.filter((edge) => indexById.has(edge.from.node) && indexById.has(edge.to.node));

  const mentioned = { in: new Map<string, Set<string>>(), out: new Map<string, Set<string>>() };
  const mention = (side: Side, ref: LayoutPortRef): void => {
    const names = mentioned[side].get(ref.node) ?? new Set<string>();
    names.add(ref.port);
    mentioned[side].set(ref.node, names);
  };
  for (const edge of edges) {
    mention('out', edge.from);
    mention('in', edge.to);
  }

  /** Per node id, each side's port names mapped to their index in the ELK port order. */
  const portIndex = new Map<string, Record<Side, Map<string, number>>>();
  const children: ElkNode[] = [];
  for (const [nodeIndex, node] of input.nodes.entries()) {
    // A repeated node id would make ELK reject the graph; the first occurrence wins, as in `indexById`.
    if (indexById.get(node.id) !== nodeIndex) continue;
    const inputs = sidePorts(node.inputs, mentioned.in.get(node.id));
    const outputs = sidePorts(node.outputs, mentioned.out.get(node.id));
    portIndex.set(node.id, {
      in: new Map(inputs.map((name, k) => [name, k])),
      out: new Map(outputs.map((name, k) => [name, k])),
    });
    children.push({
      id: nodeId(node.id),
      width: node.width,
      height: node.height,
      layoutOptions: { ...NODE_OPTIONS },
      ports: elkPorts(nodeIndex, inputs, outputs),
    });
  }

  // Every endpoint was registered through `mention` above, so both lookups always succeed.
  const endpoint = (side: Side, ref: LayoutPortRef): string =>
    portId(indexById.get(ref.node) ?? -1, side, portIndex.get(ref.node)?.[side].get(ref.port) ?? -1);
  const elkEdges = edges.map<ElkExtendedEdge>((edge, k) => ({
    id: `e:${k}`,
    sources: [endpoint('out', edge.from)],
    targets: [endpoint('in', edge.to)],
  }));

  return { id: 'root', layoutOptions: { ...ELK_LAYOUT_OPTIONS }, children, edges: elkEdges };
}

/**
 * Reads node positions out of a graph from {@link toElkGraph} after ELK laid it out: each node's top-left
 * corner, rounded to whole pixels so nodes land on the same grid the canvas stores, keyed by the pipeline's
 * node id. A node ELK left unplaced defaults to the origin.
 */
export function fromElkGraph(result: ElkNode): LayoutPositions {
  const positions: LayoutPositions = new Map();
  for (const child of result.children ?? []) {
    // Only nodes made by toElkGraph carry the prefix; anything else is not one of ours.
    if (!child.id.startsWith(NODE_PREFIX)) continue;
    positions.set(child.id.slice(NODE_PREFIX.length), { x: pixel(child.x), y: pixel(child.y) });
  }
  return positions;
}

/**
 * ELK can report `-0` (it subtracts zero-sized margins), and `Math.round(-0.3)` is `-0` too. Adding `0` turns
 * it into `+0`, because `Object.is(0, -0)` is false and stores compare positions that way to detect moves.
 */
function pixel(value: number | undefined): number {
  return Math.round(value ?? 0) + 0;
}
