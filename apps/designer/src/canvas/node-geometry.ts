import type { CatalogNode } from '@loom/sdk';
import { type InternalNode, type NodeHandle, Position } from '@xyflow/react';

/**
 * The box of a pipeline node, as the "Nodes" rules of styles.css lay it out: fixed-height rows, so a
 * node's handles sit at the same place whatever its zoom level, run status or messages.
 */
export const NODE_LAYOUT = {
  width: 236,
  /** Top border (3), header (26), subtitle (18) and the port list's top padding (2). */
  firstPortTop: 49,
  portRow: 18,
  portGap: 2,
  /** The port list's bottom padding (6) and the bottom border (1). */
  bottom: 7,
  handle: 10,
} as const;

export interface NodeSize {
  width: number;
  height: number;
}

/**
 * What React Flow needs to know about a node without rendering it: its size and where its handles
 * are. Given both, React Flow draws edges to nodes it never rendered, culls nodes outside the view
 * from the first frame (it otherwise renders every unmeasured node once to measure it), and fits the
 * view to nodes drawn only on the overview layer.
 *
 * Sizes start as an estimate from the ports and become what React Flow measured; handle positions
 * are learned per node type from the first node of that type that was measured, so they match the
 * DOM exactly even if the stylesheet and {@link NODE_LAYOUT} drift apart.
 */
export class NodeGeometry {
  readonly #sizes = new Map<string, NodeSize>();
  readonly #handles = new Map<string, NodeHandle[]>();
  readonly #estimates = new WeakMap<CatalogNode, { size: NodeSize; handles: NodeHandle[] }>();

  size(nodeId: string, entry: CatalogNode | undefined): NodeSize {
    return this.#sizes.get(nodeId) ?? (entry === undefined ? EMPTY_SIZE : this.#estimate(entry).size);
  }

  handles(entry: CatalogNode | undefined): NodeHandle[] | undefined {
    if (entry === undefined) return undefined;
    return this.#handles.get(entryKey(entry)) ?? this.#estimate(entry).handles;
  }

  /** Records what React Flow measured of a rendered node. */
  learn(node: InternalNode, entry: CatalogNode | undefined): void {
    const { width, height } = node.measured;
    if (width === undefined || height === undefined) return;
    this.#sizes.set(node.id, { width, height });
    const bounds = node.internals.handleBounds;
    if (entry === undefined || bounds === undefined) return;
    const key = entryKey(entry);
    if (this.#handles.has(key)) return;
    const measured = [...(bounds.source ?? []), ...(bounds.target ?? [])];
    if (measured.length !== entry.inputs.length + entry.outputs.length) return;
    this.#handles.set(
      key,
      measured.map(({ id, type, position, x, y, width: w, height: h }) => ({
        id: id ?? null,
        type,
        position,
        x,
        y,
        width: w,
        height: h,
      })),
    );
  }

  #estimate(entry: CatalogNode) {
    let estimate = this.#estimates.get(entry);
    if (estimate === undefined) {
      estimate = estimateGeometry(entry);
      this.#estimates.set(entry, estimate);
    }
    return estimate;
  }
}

const EMPTY_SIZE: NodeSize = { width: NODE_LAYOUT.width, height: 60 };

function entryKey(entry: CatalogNode): string {
  return `${entry.type}@${entry.version}`;
}

/** Size and handles from {@link NODE_LAYOUT}: inputs on the left, outputs on the right, one per row. */
export function estimateGeometry(entry: CatalogNode): { size: NodeSize; handles: NodeHandle[] } {
  const { width, firstPortTop, portRow, portGap, bottom, handle } = NODE_LAYOUT;
  const rows = Math.max(1, entry.inputs.length, entry.outputs.length);
  const rowCentre = (index: number) => firstPortTop + index * (portRow + portGap) + portRow / 2;
  const handles: NodeHandle[] = [
    ...entry.outputs.map((port, index) => ({
      id: port.name,
      type: 'source' as const,
      position: Position.Right,
      x: width - 1 - handle / 2,
      y: rowCentre(index) - handle / 2,
      width: handle,
      height: handle,
    })),
    ...entry.inputs.map((port, index) => ({
      id: port.name,
      type: 'target' as const,
      position: Position.Left,
      x: 1 - handle / 2,
      y: rowCentre(index) - handle / 2,
      width: handle,
      height: handle,
    })),
  ];
  return { size: { width, height: firstPortTop + rows * portRow + (rows - 1) * portGap + bottom }, handles };
}
