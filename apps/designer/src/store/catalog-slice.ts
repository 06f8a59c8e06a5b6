import type { CatalogContext, SliceCreator } from './editor-types.ts';

/** The installed node types the editor designs with; the server may replace them while the editor is open. */
export interface CatalogSlice {
  catalog: CatalogContext;
  /**
   * Puts another catalog in place (the server reloaded its plugins): the palette, the canvas and the
   * diagnostics follow it. Not a document edit, so undo never sees it.
   */
  replaceCatalog(next: CatalogContext): void;
}

export function createCatalogSlice(initial: CatalogContext): SliceCreator<CatalogSlice> {
  return (set) => ({
    catalog: initial,
    replaceCatalog(next) {
      set({ catalog: next });
    },
  });
}
