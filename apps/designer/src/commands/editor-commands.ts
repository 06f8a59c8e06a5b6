import { fitReadable } from '../canvas/fit-readable.ts';
import { readableWidth } from '../canvas/readable-view.ts';
import { canvasSize, viewCentre } from '../canvas/view-centre.ts';
import { availableUpgrade } from '../catalog/node-upgrade.ts';
import { autoLayout } from '../layout/auto-layout.ts';
import { wrapRows } from '../layout/wrap-rows.ts';
import { inProgress } from '../runs/run-projection.ts';
import type { EditorState } from '../store/editor-types.ts';
import { fragmentFromText, pasteOffset, selectedFragment, selectionAsText } from './clipboard.ts';
import type { Command, CommandContext } from './command.ts';
import { layoutInput } from './layout-input.ts';

const hasSelection = (state: EditorState) => state.selectedNodes.size > 0 || state.selectedEdges.size > 0;
const hasSelectedNodes = (state: EditorState) => state.selectedNodes.size > 0;
const oneNodeSelected = (state: EditorState) => state.selectedNodes.size === 1;
const runIsActive = (state: EditorState) => inProgress(state.runView?.run.status);
const runCanResume = (state: EditorState) =>
  state.runView !== undefined && (state.runView.run.status === 'failed' || state.runView.run.status === 'cancelled');
const hasNodes = (state: EditorState) => state.document.nodes.length > 0;
/** One node is selected and a newer version of its type is installed. */
const canUpgradeSelected = (state: EditorState) => {
  if (state.selectedNodes.size !== 1) return false;
  const [id] = state.selectedNodes;
  const node = state.document.nodes.find((candidate) => candidate.id === id);
  return node !== undefined && availableUpgrade(state.catalog.catalog, node) !== undefined;
};

function onlySelectedNode(context: CommandContext): string | undefined {
  const [id] = context.store.getState().selectedNodes;
  return id;
}

/** Every command of the editor, in the order menus and the help overlay list them. */
export const EDITOR_COMMANDS: readonly Command[] = [
  {
    id: 'file.new',
    label: 'New pipeline',
    group: 'file',
    shortcuts: ['Alt+N'],
    run: ({ session }) => session.newPipeline(),
  },
  {
    id: 'file.open',
    label: 'Open…',
    group: 'file',
    shortcuts: ['Mod+O'],
    run: ({ store }) => store.getState().openDialog('open'),
  },
  {
    id: 'file.examples',
    label: 'Open example…',
    group: 'file',
    run: ({ store }) => store.getState().openDialog('examples'),
  },
  { id: 'file.save', label: 'Save', group: 'file', shortcuts: ['Mod+S'], run: ({ session }) => void session.save() },
  {
    id: 'file.versions',
    label: 'Version history…',
    group: 'file',
    enabled: (state) => state.file.pipelineId !== undefined,
    run: ({ store }) => store.getState().openDialog('versions'),
  },
  {
    id: 'file.import',
    label: 'Import .loom.json…',
    group: 'file',
    shortcuts: ['Mod+I'],
    run: () => pickFileToImport(),
  },
  {
    id: 'file.export',
    label: 'Export JSON',
    group: 'file',
    shortcuts: ['Mod+E'],
    run: ({ session }) => session.exportDocument(),
  },
  {
    id: 'file.export-plan',
    label: 'Export compiled plan',
    group: 'file',
    enabled: (state) => state.problems.plan !== undefined,
    run: ({ session }) => session.exportPlan(),
  },

  {
    id: 'edit.undo',
    label: 'Undo',
    group: 'edit',
    shortcuts: ['Mod+Z'],
    run: ({ store }) => store.temporal.getState().undo(),
  },
  {
    id: 'edit.redo',
    label: 'Redo',
    group: 'edit',
    shortcuts: ['Shift+Mod+Z', 'Mod+Y'],
    run: ({ store }) => store.temporal.getState().redo(),
  },
  {
    id: 'edit.copy',
    label: 'Copy',
    group: 'edit',
    shortcuts: ['Mod+C'],
    enabled: hasSelectedNodes,
    run: async ({ store }) => {
      const text = selectionAsText(store.getState());
      if (text !== undefined) await navigator.clipboard.writeText(text);
    },
  },
  {
    id: 'edit.paste',
    label: 'Paste',
    group: 'edit',
    shortcuts: ['Mod+V'],
    run: async ({ store }) => pasteText(store.getState(), await navigator.clipboard.readText()),
  },
  {
    id: 'edit.duplicate',
    label: 'Duplicate',
    group: 'edit',
    shortcuts: ['Mod+D'],
    enabled: hasSelectedNodes,
    run: ({ store }) => {
      const state = store.getState();
      const ids = state.insertFragment(selectedFragment(state), { x: 40, y: 40 });
      state.select(ids);
    },
  },
  {
    id: 'edit.delete',
    label: 'Delete',
    group: 'edit',
    shortcuts: ['Delete', 'Backspace'],
    enabled: hasSelection,
    run: ({ store }) => {
      const state = store.getState();
      state.deleteElements(state.selectedNodes, state.selectedEdges);
      state.clearSelection();
    },
  },
  {
    id: 'edit.select-all',
    label: 'Select all',
    group: 'edit',
    shortcuts: ['Mod+A'],
    run: ({ store }) => {
      const state = store.getState();
      state.select(state.document.nodes.map((node) => node.id));
    },
  },
  {
    id: 'edit.add-node',
    label: 'Add a node…',
    group: 'edit',
    shortcuts: ['A', '/'],
    run: ({ store }) => store.getState().openDialog('quick-add'),
  },
  {
    id: 'edit.add-note',
    label: 'Add a note',
    group: 'edit',
    shortcuts: ['N'],
    run: ({ store, flow }) => {
      const state = store.getState();
      state.select([state.addNote(state.pointer ?? viewCentre(flow))]);
    },
  },
  {
    id: 'edit.upgrade-node',
    label: 'Upgrade node',
    group: 'edit',
    enabled: canUpgradeSelected,
    run: (context) => {
      const id = onlySelectedNode(context);
      if (id !== undefined) return context.session.upgradeNode(id);
    },
  },
  {
    id: 'edit.auto-layout',
    label: 'Tidy up (auto-layout)',
    group: 'edit',
    shortcuts: ['Shift+L'],
    enabled: hasNodes,
    run: async ({ store, flow }) => {
      const state = store.getState();
      try {
        const input = layoutInput(state, flow);
        // One long row would only be readable a few nodes at a time: rows as wide as the canvas shows readably.
        const positions = wrapRows(await autoLayout(input), input.nodes, { maxRowWidth: readableWidth(canvasSize()) });
        store.getState().moveNodes([...positions].map(([id, position]) => ({ id, position })));
        store.getState().requestFit();
      } catch (cause) {
        store.getState().toast('error', `Auto-layout failed: ${(cause as Error).message}`);
      }
    },
  },

  {
    id: 'view.fit',
    label: 'Fit view',
    group: 'view',
    shortcuts: ['Shift+F'],
    run: ({ store, flow }) => void fitReadable(flow, { focus: store.getState().selectedNodes, duration: 300 }),
  },
  {
    id: 'view.zoom-in',
    label: 'Zoom in',
    group: 'view',
    shortcuts: ['='],
    run: ({ flow }) => void flow.zoomIn({ duration: 150 }),
  },
  {
    id: 'view.zoom-out',
    label: 'Zoom out',
    group: 'view',
    shortcuts: ['-'],
    run: ({ flow }) => void flow.zoomOut({ duration: 150 }),
  },

  {
    id: 'run.start',
    label: 'Run…',
    group: 'run',
    shortcuts: ['Mod+Enter'],
    enabled: (state) => hasNodes(state) && !runIsActive(state),
    run: ({ store }) => store.getState().openDialog('run'),
  },
  {
    id: 'run.from-here',
    label: 'Run from this node',
    group: 'run',
    enabled: (state) => oneNodeSelected(state) && !runIsActive(state),
    run: (context) => {
      const step = onlySelectedNode(context);
      if (step !== undefined) void context.session.run({ fromStep: step });
    },
  },
  {
    id: 'run.only-this',
    label: 'Run only this node',
    group: 'run',
    enabled: (state) => oneNodeSelected(state) && !runIsActive(state),
    run: (context) => {
      const step = onlySelectedNode(context);
      if (step !== undefined) void context.session.run({ onlyStep: step });
    },
  },
  {
    id: 'run.cancel',
    label: 'Cancel run',
    group: 'run',
    enabled: runIsActive,
    run: ({ session }) => void session.cancelRun(),
  },
  {
    id: 'run.resume',
    label: 'Resume run',
    group: 'run',
    enabled: runCanResume,
    run: ({ session }) => void session.resumeRun(),
  },
  {
    id: 'run.history',
    label: 'Run history…',
    group: 'run',
    shortcuts: ['Shift+H'],
    run: ({ store }) => store.getState().openDialog('runs'),
  },
  {
    id: 'run.endpoints',
    label: 'Models and endpoints…',
    group: 'run',
    shortcuts: ['Shift+M'],
    run: ({ store }) => store.getState().openDialog('endpoints'),
  },
  {
    id: 'run.triggers',
    label: 'Triggers (schedules, webhooks)…',
    group: 'run',
    shortcuts: ['Shift+T'],
    run: ({ store }) => store.getState().openDialog('triggers'),
  },
  {
    id: 'run.close',
    label: 'Back to editing (hide run)',
    group: 'run',
    enabled: (state) => state.runView !== undefined && !runIsActive(state),
    run: ({ session }) => session.closeRun(),
  },

  {
    id: 'help.shortcuts',
    label: 'Keyboard shortcuts',
    group: 'help',
    shortcuts: ['?'],
    run: ({ store }) => store.getState().openDialog('help'),
  },
  // Pages of the server the designer talks to, so they work offline: Swagger UI and docs/*.md.
  {
    id: 'help.api-docs',
    label: 'API reference (/docs)',
    group: 'help',
    run: ({ session }) => openServerPage(session.api.baseUrl, '/docs/'),
  },
  {
    id: 'help.guide-plugins',
    label: 'Guide: writing node plugins',
    group: 'help',
    run: ({ session }) => openServerPage(session.api.baseUrl, '/guides/plugins'),
  },
  {
    id: 'help.guide-sdk',
    label: 'Guide: SDK reference',
    group: 'help',
    run: ({ session }) => openServerPage(session.api.baseUrl, '/guides/sdk-reference'),
  },
];

/** Opens a page of the Loom server in a new tab, leaving the editor as it is. */
function openServerPage(baseUrl: string, path: string): void {
  window.open(`${baseUrl}${path}`, '_blank', 'noopener');
}

/** Pastes clipboard text (a copied selection or a whole document) at the pointer, selecting what was pasted. */
export function pasteText(state: EditorState, text: string): void {
  const fragment = fragmentFromText(text);
  if (fragment === undefined) return;
  const ids = state.insertFragment(fragment, pasteOffset(fragment, state.pointer));
  state.select(ids);
}

/** Opens the browser's file picker; the chosen file is imported by the listener in FileDrop. */
function pickFileToImport(): void {
  document.getElementById('import-file-input')?.click();
}

export function commandById(id: string): Command {
  const command = EDITOR_COMMANDS.find((candidate) => candidate.id === id);
  if (command === undefined) throw new Error(`no command "${id}"`);
  return command;
}
