import { inputFileReferences } from '@loom/compiler';
import { useEffect } from 'react';
import { useSession } from '../commands/use-commands.tsx';
import type { InputFileStatus } from '../store/input-files-slice.ts';

/** Typing a path asks the server once the typing pauses, not once per key. */
const CHECK_DELAY_MS = 300;

/**
 * Asks the server about each file the document's nodes read, as paths appear or change, and all of
 * them again when the window regains focus (a file may have been added or moved meanwhile). The
 * answers go to the store, where they become problems. Renders nothing.
 */
export function InputFileCheck() {
  const session = useSession();
  useEffect(() => {
    const { store, api } = session;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const pathsNow = (): string[] => {
      const { document, catalog } = store.getState();
      return [...new Set(inputFileReferences(document, catalog.registry).map((reference) => reference.path))];
    };
    const ask = async (paths: string[], replace: boolean) => {
      if (paths.length === 0 && !replace) return;
      try {
        const reply = paths.length === 0 ? { results: [] } : await api.checkDataFiles(paths);
        if (stopped) return;
        const answers = new Map<string, InputFileStatus>();
        for (const result of reply.results) {
          answers.set(
            result.path,
            result.found
              ? { found: true }
              : { found: false, looked: result.looked ?? [], suggestions: result.suggestions ?? [] },
          );
        }
        store.getState().setInputFiles(answers, replace);
      } catch {
        // Without an answer a path is simply not judged: the run still reports a missing file.
      }
    };
    const askForNew = () => {
      const known = store.getState().inputFiles;
      void ask(
        pathsNow().filter((path) => !known.has(path)),
        false,
      );
    };
    const schedule = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(askForNew, CHECK_DELAY_MS);
    };
    const recheck = () => void ask(pathsNow(), true);
    askForNew();
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.document !== previous.document || state.catalog !== previous.catalog) schedule();
    });
    window.addEventListener('focus', recheck);
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      unsubscribe();
      window.removeEventListener('focus', recheck);
    };
  }, [session]);
  return null;
}
