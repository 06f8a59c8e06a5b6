import { temporal } from 'zundo';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createCatalogSlice } from './catalog-slice.ts';
import { createColumnsSlice } from './columns-slice.ts';
import { createDocumentSlice } from './document-slice.ts';
import type { CatalogContext, EditorState } from './editor-types.ts';
import { createInputFilesSlice } from './input-files-slice.ts';
import { findProblems, NO_PROBLEMS } from './problems.ts';
import { createRunSlice } from './run-slice.ts';
import { createSelectionSlice } from './selection-slice.ts';
import { createUiSlice } from './ui-slice.ts';

/** How many document changes undo can go back. */
const UNDO_LIMIT = 200;

export type EditorStore = ReturnType<typeof createEditorStore>;

/**
 * One store per editor, built from typed slices. Undo/redo (zundo) tracks the document only: selection,
 * run view and panels are not edits. React Flow's own state is derived from the document, never stored.
 *
 * @example
 * const store = createEditorStore({ catalog, registry: registryFromCatalog(catalog) });
 * store.getState().addNode('data.csv', '1.0.0', { x: 0, y: 0 });
 * store.temporal.getState().undo();
 */
export function createEditorStore(catalog: CatalogContext) {
  const store = createStore<EditorState>()(
    temporal(
      (set, get) => ({
        ...createDocumentSlice(set, get),
        ...createCatalogSlice(catalog)(set, get),
        ...createSelectionSlice(set, get),
        ...createRunSlice(set, get),
        ...createInputFilesSlice(set, get),
        ...createUiSlice(set, get),
        ...createColumnsSlice(set, get),
        problems: NO_PROBLEMS,
      }),
      {
        partialize: (state) => ({ document: state.document }),
        equality: (past, current) => past.document === current.document,
        limit: UNDO_LIMIT,
      },
    ),
  );
  keepProblemsCurrent(store);
  return store;
}

/**
 * Recompiles after each edit, after each catalog replacement (a node type may have come or gone), and
 * after the server's answers about input files change, and when more is learnt of tables' columns.
 * Edits that come in one burst (a drag of many nodes, typing) compile once, in the next task, so typing
 * never waits for the compiler.
 */
function keepProblemsCurrent(store: StoreApi<EditorState>): void {
  let scheduled = false;
  const refresh = () => {
    scheduled = false;
    const { document, catalog, problems, inputFiles, knownColumns } = store.getState();
    if (
      problems.document === document &&
      problems.registry === catalog.registry &&
      problems.inputFiles === inputFiles &&
      problems.knownColumns === knownColumns
    )
      return;
    store.setState({
      problems: findProblems(document, catalog.registry, {
        inputFiles,
        columns: { catalog: catalog.catalog, known: knownColumns },
      }),
    });
  };
  const initial = store.getState();
  store.setState({
    problems: findProblems(initial.document, initial.catalog.registry, {
      inputFiles: initial.inputFiles,
      columns: { catalog: initial.catalog.catalog, known: initial.knownColumns },
    }),
  });
  store.subscribe((state, previous) => {
    const same =
      state.document === previous.document &&
      state.catalog === previous.catalog &&
      state.inputFiles === previous.inputFiles &&
      state.knownColumns === previous.knownColumns;
    if (same || scheduled) return;
    scheduled = true;
    setTimeout(refresh, 0);
  });
}
