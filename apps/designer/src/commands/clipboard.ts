import type { PipelineEdge, PipelineNode, PipelineNote } from '@loom/graph';
import type { DocumentFragment } from '../store/document-slice.ts';
import type { EditorState } from '../store/editor-types.ts';

/** The `format` of copied selections: another tab, or another Loom, recognises it on paste. */
export const FRAGMENT_FORMAT = 'loom.fragment';

/** The selected nodes and the edges between them, as clipboard text; undefined when nothing is selected. */
export function selectionAsText(state: EditorState): string | undefined {
  const fragment = selectedFragment(state);
  if (fragment.nodes.length === 0 && (fragment.notes ?? []).length === 0) return undefined;
  return JSON.stringify({ format: FRAGMENT_FORMAT, formatVersion: 1, ...fragment }, null, 2);
}

export function selectedFragment(state: EditorState): DocumentFragment {
  const nodes = state.document.nodes.filter((node) => state.selectedNodes.has(node.id));
  const ids = new Set(nodes.map((node) => node.id));
  const edges = state.document.edges.filter((edge) => ids.has(edge.from.node) && ids.has(edge.to.node));
  const notes = (state.document.notes ?? []).filter((note) => state.selectedNodes.has(note.id));
  return notes.length === 0 ? { nodes, edges } : { nodes, edges, notes };
}

/**
 * Reads clipboard text as a fragment: a copied selection, or a whole pipeline document (its nodes and
 * edges). Anything else is not ours, and pasting it does nothing.
 */
export function fragmentFromText(text: string): DocumentFragment | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const record = parsed as { format?: unknown; nodes?: unknown; edges?: unknown; notes?: unknown };
  if (record.format !== FRAGMENT_FORMAT && record.format !== 'loom.pipeline') return undefined;
  if (!Array.isArray(record.nodes) || !Array.isArray(record.edges)) return undefined;
  const nodes = record.nodes.filter(isNode);
  const edges = record.edges.filter(isEdge);
  const notes = Array.isArray(record.notes) ? record.notes.filter(isNote) : [];
  if (nodes.length === 0 && notes.length === 0) return undefined;
  return notes.length === 0 ? { nodes, edges } : { nodes, edges, notes };
}

/** Where pasted nodes go: their top-left corner at the pointer, or beside the originals. */
export function pasteOffset(
  fragment: DocumentFragment,
  pointer: { x: number; y: number } | undefined,
): { x: number; y: number } {
  const xs = fragment.nodes.map((node) => node.ui?.position?.x ?? 0);
  const ys = fragment.nodes.map((node) => node.ui?.position?.y ?? 0);
  const left = Math.min(...xs);
  const top = Math.min(...ys);
  return pointer === undefined ? { x: 40, y: 40 } : { x: pointer.x - left, y: pointer.y - top };
}

function isNode(value: unknown): value is PipelineNode {
  const node = value as Partial<PipelineNode> | null;
  return (
    node !== null &&
    typeof node === 'object' &&
    typeof node.id === 'string' &&
    typeof node.type === 'string' &&
    typeof node.version === 'string'
  );
}

function isNote(value: unknown): value is PipelineNote {
  const note = value as Partial<PipelineNote> | null;
  return (
    note !== null &&
    typeof note === 'object' &&
    typeof note.id === 'string' &&
    typeof note.text === 'string' &&
    typeof note.position?.x === 'number' &&
    typeof note.position.y === 'number'
  );
}

function isEdge(value: unknown): value is PipelineEdge {
  const edge = value as Partial<PipelineEdge> | null;
  return (
    edge !== null &&
    typeof edge === 'object' &&
    typeof edge.from?.node === 'string' &&
    typeof edge.from.port === 'string' &&
    typeof edge.to?.node === 'string' &&
    typeof edge.to.port === 'string'
  );
}
