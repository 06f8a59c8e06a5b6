import type { SliceCreator } from './editor-types.ts';

const EMPTY: ReadonlySet<string> = new Set();

/** Which nodes and edges are selected; the canvas reads it, and every command acts on it. */
export interface SelectionSlice {
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  select(nodes: Iterable<string>, edges?: Iterable<string>): void;
  /** Adds or removes single elements, as React Flow reports clicks and box selections. */
  changeSelection(changes: ReadonlyArray<{ kind: 'node' | 'edge'; id: string; selected: boolean }>): void;
  clearSelection(): void;
}

export const createSelectionSlice: SliceCreator<SelectionSlice> = (set) => ({
  selectedNodes: EMPTY,
  selectedEdges: EMPTY,
  select(nodes, edges = []) {
    set({ selectedNodes: new Set(nodes), selectedEdges: new Set(edges) });
  },
  changeSelection(changes) {
    set((state) => {
      let nodes: Set<string> | undefined;
      let edges: Set<string> | undefined;
      for (const change of changes) {
        const current = change.kind === 'node' ? state.selectedNodes : state.selectedEdges;
        if (current.has(change.id) === change.selected) continue;
        let target: Set<string>;
        if (change.kind === 'node') {
          nodes ??= new Set(state.selectedNodes);
          target = nodes;
        } else {
          edges ??= new Set(state.selectedEdges);
          target = edges;
        }
        if (change.selected) target.add(change.id);
        else target.delete(change.id);
      }
      const patch: { selectedNodes?: ReadonlySet<string>; selectedEdges?: ReadonlySet<string> } = {};
      if (nodes !== undefined) patch.selectedNodes = nodes;
      if (edges !== undefined) patch.selectedEdges = edges;
      return patch;
    });
  },
  clearSelection() {
    set((state) =>
      state.selectedNodes.size === 0 && state.selectedEdges.size === 0
        ? {}
        : { selectedNodes: EMPTY, selectedEdges: EMPTY },
    );
  },
});
