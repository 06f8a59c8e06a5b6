/**
 * Wraps a left-to-right layout into rows, so a long chain reads like lines of text instead of one line far
 * wider than the screen: at a readable zoom a 7-step pipeline in one row shows three steps of it.
 *
 * @module
 */
import type { LayoutPositions } from './elk-graph.ts';

/** A laid-out node's size, as given to the layout. */
export interface SizedNode {
  id: string;
  width: number;
  height: number;
}

export interface WrapOptions {
  /** The widest a row may be, in flow pixels; a column wider than this gets a row to itself. */
  maxRowWidth: number;
  /** Flow pixels between one row's lowest node and the next row's highest, room for the edges that wrap. @default 80 */
  rowGap?: number;
}

/**
 * Cuts a layout into columns (nodes whose horizontal extents overlap: one ELK layer, across every component),
 * then starts a new row wherever the next column would make the row wider than `maxRowWidth`. Each row moves
 * to the left edge, below the one before it. Columns keep their order, so a row ends where the next begins and
 * every edge still points forwards in reading order. A layout that fits in one row comes back unchanged.
 *
 * @param positions - Top-left corners, as {@link autoLayout} returns them.
 * @param nodes - The sizes of the nodes in `positions`; a node with no size counts as a point.
 * @returns New top-left corners for the same nodes, the bounding box still starting at the layout's own corner.
 * @example
 * // five 200-pixel nodes, 100 apart, in rows at most 700 wide: three in the first row, two in the second
 * wrapRows(chain, sizes, { maxRowWidth: 700 });
 */
export function wrapRows(
  positions: LayoutPositions,
  nodes: readonly SizedNode[],
  options: WrapOptions,
): LayoutPositions {
  const rowGap = options.rowGap ?? 80;
  const sizes = new Map(nodes.map((node) => [node.id, node]));
  const boxes = [...positions].map(([id, at]) => ({
    id,
    x: at.x,
    y: at.y,
    width: sizes.get(id)?.width ?? 0,
    height: sizes.get(id)?.height ?? 0,
  }));
  if (boxes.length === 0) return new Map(positions);
  boxes.sort((a, b) => a.x - b.x || a.y - b.y);

  type Box = (typeof boxes)[number];
  const columns: { left: number; right: number; members: Box[] }[] = [];
  for (const box of boxes) {
    const last = columns.at(-1);
    if (last !== undefined && box.x < last.right) {
      last.members.push(box);
      last.right = Math.max(last.right, box.x + box.width);
    } else {
      columns.push({ left: box.x, right: box.x + box.width, members: [box] });
    }
  }

  const rows: (typeof columns)[] = [];
  for (const column of columns) {
    const row = rows.at(-1);
    const rowLeft = row?.[0]?.left;
    if (row !== undefined && rowLeft !== undefined && column.right - rowLeft <= options.maxRowWidth) row.push(column);
    else rows.push([column]);
  }
  if (rows.length === 1) return new Map(positions);

  const originX = Math.min(...boxes.map((box) => box.x));
  const originY = Math.min(...boxes.map((box) => box.y));
  const wrapped: LayoutPositions = new Map();
  let rowTop = originY;
  for (const row of rows) {
    const members = row.flatMap((column) => column.members);
    const left = row[0]?.left ?? originX;
    const top = Math.min(...members.map((box) => box.y));
    const bottom = Math.max(...members.map((box) => box.y + box.height));
    for (const box of members) wrapped.set(box.id, { x: box.x - left + originX, y: box.y - top + rowTop });
    rowTop += bottom - top + rowGap;
  }
  return wrapped;
}
