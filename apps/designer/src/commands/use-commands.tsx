import { useReactFlow } from '@xyflow/react';
import { createContext, useCallback, useContext, useEffect } from 'react';
import type { EditorSession } from '../app/editor-session.ts';
import { useEditorStore } from '../store/editor-context.tsx';
import { selectionAsText } from './clipboard.ts';
import type { Command, CommandContext } from './command.ts';
import { EDITOR_COMMANDS, pasteText } from './editor-commands.ts';
import { isTypingTarget, matchesShortcut } from './shortcuts.ts';

export const SessionContext = createContext<EditorSession | undefined>(undefined);

export function useSession(): EditorSession {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession must be used inside a SessionContext provider');
  return session;
}

/** Runs a command if it is enabled now. */
export function useRunCommand(): (command: Command) => void {
  const store = useEditorStore();
  const session = useSession();
  const flow = useReactFlow();
  return useCallback(
    (command: Command) => {
      if (command.enabled !== undefined && !command.enabled(store.getState())) return;
      const context: CommandContext = { store, session, flow };
      void Promise.resolve(command.run(context)).catch((cause: unknown) =>
        store.getState().toast('error', `${command.label} failed: ${(cause as Error).message}`),
      );
    },
    [store, session, flow],
  );
}

/** Copy and paste go through the browser's clipboard events, so they work across tabs without permission prompts. */
const CLIPBOARD_COMMANDS = new Set(['edit.copy', 'edit.paste']);

/** Binds every command's shortcuts, and the clipboard, to the window. */
export function useCommandShortcuts(): void {
  const store = useEditorStore();
  const runCommand = useRunCommand();
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isTypingTarget(event.target)) return;
      if (store.getState().dialog !== undefined && event.key !== 'Escape') return;
      if (event.key === 'Escape') {
        store.getState().openDialog(undefined);
        return;
      }
      for (const command of EDITOR_COMMANDS) {
        if (CLIPBOARD_COMMANDS.has(command.id)) continue;
        if (command.shortcuts?.some((shortcut) => matchesShortcut(event, shortcut))) {
          event.preventDefault();
          runCommand(command);
          return;
        }
      }
    };
    const onCopy = (event: ClipboardEvent) => {
      if (isTypingTarget(event.target) || hasTextSelection()) return;
      const text = selectionAsText(store.getState());
      if (text === undefined) return;
      event.clipboardData?.setData('text/plain', text);
      event.preventDefault();
    };
    const onPaste = (event: ClipboardEvent) => {
      if (isTypingTarget(event.target)) return;
      const text = event.clipboardData?.getData('text/plain');
      if (text === undefined || text === '') return;
      event.preventDefault();
      pasteText(store.getState(), text);
    };
    window.addEventListener('keydown', onKeyDown);
    document.addEventListener('copy', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, [store, runCommand]);
}

function hasTextSelection(): boolean {
  const selection = window.getSelection();
  return selection !== null && !selection.isCollapsed;
}
