import type { ReactFlowInstance } from '@xyflow/react';
import type { EditorSession } from '../app/editor-session.ts';
import type { EditorStore } from '../store/editor-store.ts';
import type { EditorState } from '../store/editor-types.ts';

/** What a command may act on. */
export interface CommandContext {
  store: EditorStore;
  session: EditorSession;
  flow: ReactFlowInstance;
}

export type CommandGroup = 'file' | 'edit' | 'view' | 'run' | 'help';

/**
 * One user command, registered once and used by menus, the shortcut handler and the help overlay.
 * Shortcuts are written like `Mod+Z` (Ctrl, or ⌘ on macOS), `Shift+Mod+Z`, `Delete`, `A`.
 */
export interface Command {
  id: string;
  label: string;
  group: CommandGroup;
  shortcuts?: readonly string[];
  /** When false the command is shown disabled and its shortcut does nothing. */
  enabled?: (state: EditorState) => boolean;
  run: (context: CommandContext) => void | Promise<void>;
}
