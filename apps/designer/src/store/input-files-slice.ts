import type { SliceCreator } from './editor-types.ts';

/** What the server said about one input file path: found, or not (where it looked, what may be meant). */
export type InputFileStatus = { found: true } | { found: false; looked: string[]; suggestions: string[] };

/**
 * The server's answers about the files the document's nodes read, by path as written. Only the
 * server sees its disk, so the compiler in the browser cannot say a file is missing; these answers let
 * the problems list say it before a run, as the server would.
 */
export interface InputFilesSlice {
  inputFiles: ReadonlyMap<string, InputFileStatus>;
  /** Adds answers (keeping the others); `replace` drops the old ones first (files may have come or gone). */
  setInputFiles(answers: ReadonlyMap<string, InputFileStatus>, replace?: boolean): void;
}

export const createInputFilesSlice: SliceCreator<InputFilesSlice> = (set, get) => ({
  inputFiles: new Map(),
  setInputFiles(answers, replace = false) {
    const next = new Map(replace ? [] : get().inputFiles);
    for (const [path, status] of answers) next.set(path, status);
    set({ inputFiles: next });
  },
});
