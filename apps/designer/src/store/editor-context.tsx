import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';
import type { EditorStore } from './editor-store.ts';
import type { EditorState } from './editor-types.ts';

const EditorContext = createContext<EditorStore | undefined>(undefined);

export function EditorProvider({ store, children }: { store: EditorStore; children: ReactNode }) {
  return <EditorContext.Provider value={store}>{children}</EditorContext.Provider>;
}

/** The editor store of the surrounding provider, for actions and one-off reads. */
export function useEditorStore(): EditorStore {
  const store = useContext(EditorContext);
  if (store === undefined) throw new Error('useEditorStore must be used inside an EditorProvider');
  return store;
}

/** Subscribes to a slice of the editor state; pass `useShallow(...)` for selectors that build objects. */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorStore(), selector);
}
