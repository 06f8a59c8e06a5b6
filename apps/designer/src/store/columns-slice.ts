import { type KnownColumns, NO_KNOWN_COLUMNS } from '../columns/column-resolution.ts';
import type { SliceCreator } from './editor-types.ts';

/** What the designer has learnt of tables' columns (see {@link KnownColumns}), for column pickers and checks. */
export interface ColumnsSlice {
  knownColumns: KnownColumns;
  /** Replaces the columns learnt from the shown run's outputs (an empty map when no run is shown). */
  setRunColumns(outputs: ReadonlyMap<string, readonly string[]>): void;
  /** Records a file's columns by the path a data node names it with; undefined forgets them. */
  setFileColumns(path: string, columns: readonly string[] | undefined): void;
}

export const createColumnsSlice: SliceCreator<ColumnsSlice> = (set) => ({
  knownColumns: NO_KNOWN_COLUMNS,
  setRunColumns(outputs) {
    set((state) => ({ knownColumns: { ...state.knownColumns, outputs } }));
  },
  setFileColumns(path, columns) {
    set((state) => {
      const old = state.knownColumns.files.get(path);
      if (old === columns || (old !== undefined && columns !== undefined && old.join('\n') === columns.join('\n')))
        return {};
      const files = new Map(state.knownColumns.files);
      if (columns === undefined) files.delete(path);
      else files.set(path, columns);
      return { knownColumns: { ...state.knownColumns, files } };
    });
  },
});
