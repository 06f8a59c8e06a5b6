import type { PipelineDocument, PipelineEdge, PipelineNode, PipelineNote, PipelineParameter } from '@loom/graph';
import { CURRENT_FORMAT_VERSION, DOCUMENT_FORMAT } from '@loom/graph';
import { baseIdForType, nextEdgeId, nodeIdProblem, uniqueId } from './document-ids.ts';
import type { SliceCreator } from './editor-types.ts';

export interface XY {
  x: number;
  y: number;
}

/** Where the open document lives on the server, and the document as last saved or opened there. */
export interface FileState {
  pipelineId: string | undefined;
  version: number | undefined;
  /** Compared by identity with `document`: an undo back to the saved state makes the file clean again. */
  saved: PipelineDocument | undefined;
}

/** A part of a document copied to the clipboard or duplicated: nodes, the edges between them, notes. */
export interface DocumentFragment {
  nodes: PipelineNode[];
  edges: PipelineEdge[];
  notes?: PipelineNote[];
}

/**
 * Whether leaving the document would lose work: it differs from what was saved or opened, and it is not
 * an empty canvas.
 */
export function hasUnsavedChanges(state: { document: PipelineDocument; file: FileState }): boolean {
  return state.file.saved !== state.document && state.document.nodes.length > 0;
}

/** Nodes and notes share one id space on the canvas. */
export function canvasIds(document: PipelineDocument): Set<string> {
  const ids = new Set(document.nodes.map((node) => node.id));
  for (const note of document.notes ?? []) ids.add(note.id);
  return ids;
}

/**
 * The pipeline document being edited and every change to it. Each action makes one new document
 * (unchanged nodes and edges keep their identity, so the canvas re-renders only what changed) and so
 * one undo step.
 */
export interface DocumentSlice {
  document: PipelineDocument;
  file: FileState;
  addNode(type: string, version: string, position: XY, label?: string): string;
  setNodeParam(nodeId: string, name: string, value: unknown): void;
  setNodeUi(nodeId: string, patch: { label?: string; comment?: string; color?: string }): void;
  setNodeVersion(nodeId: string, version: string): void;
  /** Sets where a node's steps run; undefined removes the field, so the node runs where its type does. */
  setNodeBackend(nodeId: string, backend: PipelineNode['backend']): void;
  /**
   * Gives a node a new id, carrying its edges and the selection along (one undo step). Refused, with
   * the reason, when the id breaks the document's rule or is taken; undefined when done.
   */
  renameNode(nodeId: string, newId: string): string | undefined;
  /** Moves a node to another version of its type with the parameters carried over to it: one edit, one undo step. */
  upgradeNode(nodeId: string, upgrade: { version: string; params: Record<string, unknown> }): void;
  addNote(position: XY, text?: string): string;
  updateNote(noteId: string, patch: { text?: string; size?: { width: number; height: number } }): void;
  moveNodes(moves: ReadonlyArray<{ id: string; position: XY }>): void;
  addEdge(edge: Omit<PipelineEdge, 'id'>): string;
  deleteElements(nodeIds: Iterable<string>, edgeIds: Iterable<string>): void;
  /** Adds a fragment with fresh ids, moved by `offset`; returns the new node ids. */
  insertFragment(fragment: DocumentFragment, offset: XY): string[];
  setPipelineInfo(patch: { name?: string; description?: string }): void;
  setPipelineParameter(name: string, parameter: PipelineParameter | undefined, renameTo?: string): void;
  replaceDocument(document: PipelineDocument, file: FileState): void;
  markSaved(pipelineId: string, version: number): void;
}

export function emptyDocument(name = 'untitled-pipeline'): PipelineDocument {
  return { format: DOCUMENT_FORMAT, formatVersion: CURRENT_FORMAT_VERSION, name, nodes: [], edges: [] };
}

/** The id the canvas uses for an edge; documents may leave edge ids out. */
export function edgeKey(edge: PipelineEdge): string {
  return edge.id ?? `${edge.from.node}.${edge.from.port}->${edge.to.node}.${edge.to.port}`;
}

export const createDocumentSlice: SliceCreator<DocumentSlice> = (set, get) => {
  const update = (change: (document: PipelineDocument) => PipelineDocument) =>
    set((state) => {
      const next = change(state.document);
      return next === state.document ? {} : { document: next };
    });
  const mapNode = (nodeId: string, change: (node: PipelineNode) => PipelineNode) =>
    update((document) => {
      const index = document.nodes.findIndex((node) => node.id === nodeId);
      const node = document.nodes[index];
      if (node === undefined) return document;
      const changed = change(node);
      if (changed === node) return document;
      const nodes = document.nodes.slice();
      nodes[index] = changed;
      return { ...document, nodes };
    });

  return {
    document: emptyDocument(),
    file: { pipelineId: undefined, version: undefined, saved: undefined },

    addNode(type, version, position, label) {
      const id = uniqueId(baseIdForType(type), canvasIds(get().document));
      const ui: PipelineNode['ui'] = { position: roundXY(position) };
      if (label !== undefined) ui.label = label;
      update((document) => ({ ...document, nodes: [...document.nodes, { id, type, version, params: {}, ui }] }));
      return id;
    },

    setNodeParam(nodeId, name, value) {
      mapNode(nodeId, (node) => {
        const params = { ...node.params };
        if (value === undefined) delete params[name];
        else params[name] = value;
        return { ...node, params };
      });
    },

    setNodeUi(nodeId, patch) {
      mapNode(nodeId, (node) => {
        const ui = { ...node.ui };
        for (const [key, value] of Object.entries(patch) as Array<[keyof typeof patch, string | undefined]>) {
          if (value === undefined || value === '') delete ui[key];
          else ui[key] = value;
        }
        return { ...node, ui };
      });
    },

    setNodeVersion(nodeId, version) {
      mapNode(nodeId, (node) => (node.version === version ? node : { ...node, version }));
    },

    setNodeBackend(nodeId, backend) {
      mapNode(nodeId, (node) => {
        if (node.backend === backend) return node;
        const { backend: _old, ...rest } = node;
        return backend === undefined ? rest : { ...rest, backend };
      });
    },

    renameNode(nodeId, newId) {
      const document = get().document;
      if (newId === nodeId || !document.nodes.some((node) => node.id === nodeId)) return undefined;
      const problem = nodeIdProblem(newId, nodeId, canvasIds(document));
      if (problem !== undefined) return problem;
      const end = (ref: PipelineEdge['from']) => (ref.node === nodeId ? { ...ref, node: newId } : ref);
      set((state) => {
        const selectedNodes = new Set(state.selectedNodes);
        if (selectedNodes.delete(nodeId)) selectedNodes.add(newId);
        return {
          document: {
            ...state.document,
            nodes: state.document.nodes.map((node) => (node.id === nodeId ? { ...node, id: newId } : node)),
            edges: state.document.edges.map((edge) =>
              edge.from.node === nodeId || edge.to.node === nodeId
                ? { ...edge, from: end(edge.from), to: end(edge.to) }
                : edge,
            ),
          },
          selectedNodes,
        };
      });
      return undefined;
    },

    upgradeNode(nodeId, { version, params }) {
      mapNode(nodeId, (node) => ({ ...node, version, params: { ...params } }));
    },

    addNote(position, text = '') {
      const id = uniqueId('note', canvasIds(get().document));
      const note: PipelineNote = { id, text, position: roundXY(position) };
      update((document) => ({ ...document, notes: [...(document.notes ?? []), note] }));
      return id;
    },

    updateNote(noteId, patch) {
      update((document) => {
        const notes = document.notes ?? [];
        const index = notes.findIndex((note) => note.id === noteId);
        const note = notes[index];
        if (note === undefined) return document;
        const next: PipelineNote = { ...note };
        if (patch.text !== undefined) next.text = patch.text;
        if (patch.size !== undefined)
          next.size = { width: Math.round(patch.size.width), height: Math.round(patch.size.height) };
        const changed = notes.slice();
        changed[index] = next;
        return { ...document, notes: changed };
      });
    },

    moveNodes(moves) {
      const byId = new Map(moves.map((move) => [move.id, roundXY(move.position)]));
      update((document) => {
        let changed = false;
        const nodes = document.nodes.map((node) => {
          const position = byId.get(node.id);
          const old = node.ui?.position;
          if (position === undefined || (old !== undefined && old.x === position.x && old.y === position.y))
            return node;
          changed = true;
          return { ...node, ui: { ...node.ui, position } };
        });
        let notesChanged = false;
        const notes = document.notes?.map((note) => {
          const position = byId.get(note.id);
          if (position === undefined || (note.position.x === position.x && note.position.y === position.y)) return note;
          notesChanged = true;
          return { ...note, position };
        });
        if (!changed && !notesChanged) return document;
        const next = { ...document, nodes: changed ? nodes : document.nodes };
        if (notesChanged && notes !== undefined) next.notes = notes;
        return next;
      });
    },

    addEdge(edge) {
      const id = nextEdgeId(new Set(get().document.edges.map(edgeKey)));
      update((document) => ({ ...document, edges: [...document.edges, { id, from: edge.from, to: edge.to }] }));
      return id;
    },

    deleteElements(nodeIds, edgeIds) {
      const nodes = new Set(nodeIds);
      const edges = new Set(edgeIds);
      if (nodes.size === 0 && edges.size === 0) return;
      update((document) => ({
        ...withNotes(
          document,
          document.notes?.filter((note) => !nodes.has(note.id)),
        ),
        nodes: document.nodes.filter((node) => !nodes.has(node.id)),
        edges: document.edges.filter(
          (edge) => !edges.has(edgeKey(edge)) && !nodes.has(edge.from.node) && !nodes.has(edge.to.node),
        ),
      }));
    },

    insertFragment(fragment, offset) {
      const document = get().document;
      const taken = canvasIds(document);
      const renamed = new Map<string, string>();
      const nodes = fragment.nodes.map((node) => {
        const id = uniqueId(node.id, taken);
        taken.add(id);
        renamed.set(node.id, id);
        const position = node.ui?.position ?? { x: 0, y: 0 };
        return {
          ...node,
          id,
          ui: { ...node.ui, position: roundXY({ x: position.x + offset.x, y: position.y + offset.y }) },
        };
      });
      const edgeIds = new Set(document.edges.map(edgeKey));
      const edges: PipelineEdge[] = [];
      for (const edge of fragment.edges) {
        const from = renamed.get(edge.from.node);
        const to = renamed.get(edge.to.node);
        if (from === undefined || to === undefined) continue;
        const id = nextEdgeId(edgeIds);
        edgeIds.add(id);
        edges.push({ id, from: { ...edge.from, node: from }, to: { ...edge.to, node: to } });
      }
      const notes = (fragment.notes ?? []).map((note) => {
        const id = uniqueId(note.id, taken);
        taken.add(id);
        return { ...note, id, position: roundXY({ x: note.position.x + offset.x, y: note.position.y + offset.y }) };
      });
      update((current) => ({
        ...withNotes(current, notes.length === 0 ? current.notes : [...(current.notes ?? []), ...notes]),
        nodes: [...current.nodes, ...nodes],
        edges: [...current.edges, ...edges],
      }));
      return [...nodes.map((node) => node.id), ...notes.map((note) => note.id)];
    },

    setPipelineInfo(patch) {
      update((document) => {
        const next = { ...document };
        if (patch.name !== undefined) next.name = patch.name;
        if (patch.description !== undefined) {
          if (patch.description === '') delete next.description;
          else next.description = patch.description;
        }
        return next;
      });
    },

    setPipelineParameter(name, parameter, renameTo) {
      update((document) => {
        const parameters = { ...document.parameters };
        delete parameters[name];
        if (parameter !== undefined) parameters[renameTo ?? name] = parameter;
        const { parameters: _old, ...rest } = document;
        return Object.keys(parameters).length === 0 ? rest : { ...rest, parameters };
      });
    },

    replaceDocument(document, file) {
      set({ document, file });
    },

    markSaved(pipelineId, version) {
      set((state) => ({ file: { pipelineId, version, saved: state.document } }));
    },
  };
};

/** The document with these notes; no `notes` key at all when there are none, as the canonical form has it. */
function withNotes(document: PipelineDocument, notes: PipelineNote[] | undefined): PipelineDocument {
  const { notes: _old, ...rest } = document;
  return notes === undefined || notes.length === 0 ? rest : { ...rest, notes };
}

/** Positions are stored as whole pixels: sub-pixel drags would make every save a noisy diff. */
function roundXY(position: XY): XY {
  return { x: Math.round(position.x), y: Math.round(position.y) };
}
