import type { Diagnostic, PipelineDocument } from '@loom/graph';
import type { NodeHandle, Rect } from '@xyflow/react';
import { edgeKey } from '../store/document-slice.ts';
import { type CatalogIndex, edgeColor, entryOf, nodesById, outputType } from './flow-elements.ts';
import { CANVAS_COLORS, categoryColor, statusColor } from './node-colors.ts';
import type { NodeGeometry } from './node-geometry.ts';
import type { StepStatus } from './status-labels.ts';

/**
 * The whole pipeline as flat arrays, ready to paint on a 2D canvas in a few calls per colour: what the
 * overview layer and the minimap draw. Built once per change of the document, selection, problems or
 * run (a few milliseconds for 5,000 nodes), never per frame.
 */
export interface OverviewScene {
  ids: readonly string[];
  /** x, y, width and height of each node in flow coordinates, in document order. */
  boxes: Float64Array;
  /** Node indices by the colour of their top strip: the run status, else the category. */
  strips: ReadonlyMap<string, number[]>;
  /** Node indices by category colour (the minimap's fill). */
  categories: ReadonlyMap<string, number[]>;
  selected: readonly number[];
  problems: readonly number[];
  /** Edge segments (x1, y1, x2, y2, …) from output handle to input handle, by stroke colour. */
  edges: ReadonlyMap<string, Float64Array>;
  /** The box around every node; empty (zero size) without nodes. */
  bounds: Rect;
}

export interface SceneInput {
  document: PipelineDocument;
  index: CatalogIndex;
  geometry: NodeGeometry;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  nodeProblems: ReadonlyMap<string, Diagnostic[]>;
  edgeProblems: ReadonlyMap<string, Diagnostic[]>;
  statuses: Readonly<Record<string, { status: StepStatus }>> | undefined;
}

export function buildOverviewScene(input: SceneInput): OverviewScene {
  const { document, index, geometry } = input;
  const count = document.nodes.length;
  const boxes = new Float64Array(count * 4);
  const strips = new Map<string, number[]>();
  const categories = new Map<string, number[]>();
  const selected: number[] = [];
  const problems: number[] = [];
  const handles = new Map<string, NodeHandle[] | undefined>();
  let left = Number.POSITIVE_INFINITY;
  let top = Number.POSITIVE_INFINITY;
  let right = Number.NEGATIVE_INFINITY;
  let bottom = Number.NEGATIVE_INFINITY;

  document.nodes.forEach((node, i) => {
    const entry = entryOf(index, node);
    const { width, height } = geometry.size(node.id, entry);
    const x = node.ui?.position?.x ?? 0;
    const y = node.ui?.position?.y ?? 0;
    boxes.set([x, y, width, height], i * 4);
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x + width);
    bottom = Math.max(bottom, y + height);
    const category = categoryColor(entry?.category);
    push(categories, category, i);
    push(strips, statusColor(input.statuses?.[node.id]?.status) ?? category, i);
    if (input.selectedNodes.has(node.id)) selected.push(i);
    if (input.nodeProblems.has(node.id)) problems.push(i);
    handles.set(node.id, geometry.handles(entry));
  });

  const byId = nodesById(document);
  const positions = new Map<string, number>(document.nodes.map((node, i) => [node.id, i]));
  const segments = new Map<string, number[]>();
  for (const edge of document.edges) {
    const from = positions.get(edge.from.node);
    const to = positions.get(edge.to.node);
    if (from === undefined || to === undefined) continue;
    const start = handlePoint(boxes, from, handles.get(edge.from.node), 'source', edge.from.port);
    const end = handlePoint(boxes, to, handles.get(edge.to.node), 'target', edge.to.port);
    const id = edgeKey(edge);
    const color = input.edgeProblems.has(id)
      ? CANVAS_COLORS.danger
      : input.selectedEdges.has(id)
        ? CANVAS_COLORS.accent
        : edgeColor(index, outputType(index, byId.get(edge.from.node), edge.from.port));
    push(segments, color, start.x, start.y, end.x, end.y);
  }

  return {
    ids: document.nodes.map((node) => node.id),
    boxes,
    strips,
    categories,
    selected,
    problems,
    edges: new Map([...segments].map(([color, list]) => [color, Float64Array.from(list)])),
    bounds:
      count === 0
        ? { x: 0, y: 0, width: 0, height: 0 }
        : { x: left, y: top, width: right - left, height: bottom - top },
  };
}

/** Where an edge meets a node: the middle of the handle's outer side, as React Flow draws it. */
function handlePoint(
  boxes: Float64Array,
  i: number,
  handles: NodeHandle[] | undefined,
  type: 'source' | 'target',
  port: string,
): { x: number; y: number } {
  const x = boxes[i * 4] as number;
  const y = boxes[i * 4 + 1] as number;
  const width = boxes[i * 4 + 2] as number;
  const height = boxes[i * 4 + 3] as number;
  const handle = handles?.find((candidate) => candidate.type === type && candidate.id === port);
  if (handle === undefined) return { x: type === 'source' ? x + width : x, y: y + height / 2 };
  return {
    x: x + handle.x + (type === 'source' ? (handle.width ?? 0) : 0),
    y: y + handle.y + (handle.height ?? 0) / 2,
  };
}

function push<T>(map: Map<string, T[]>, key: string, ...values: T[]): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, values);
  else list.push(...values);
}

/** The topmost node whose box holds the flow point, or undefined. */
export function nodeAt(scene: OverviewScene, x: number, y: number): string | undefined {
  const { boxes } = scene;
  for (let i = scene.ids.length - 1; i >= 0; i--) {
    const left = boxes[i * 4] as number;
    const top = boxes[i * 4 + 1] as number;
    if (x >= left && y >= top && x <= left + (boxes[i * 4 + 2] as number) && y <= top + (boxes[i * 4 + 3] as number))
      return scene.ids[i];
  }
  return undefined;
}

/** The nodes wholly inside a flow rectangle, as React Flow's box selection picks them. */
export function nodesInside(scene: OverviewScene, rect: Rect): string[] {
  const { boxes } = scene;
  const inside: string[] = [];
  for (let i = 0; i < scene.ids.length; i++) {
    const left = boxes[i * 4] as number;
    const top = boxes[i * 4 + 1] as number;
    if (
      left >= rect.x &&
      top >= rect.y &&
      left + (boxes[i * 4 + 2] as number) <= rect.x + rect.width &&
      top + (boxes[i * 4 + 3] as number) <= rect.y + rect.height
    )
      inside.push(scene.ids[i] as string);
  }
  return inside;
}
