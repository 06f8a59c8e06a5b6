import { useEffect } from 'react';
import { PipelineCanvas } from '../canvas/PipelineCanvas.tsx';
import { ColumnFacts } from '../columns/ColumnFacts.tsx';
import { useCommandShortcuts, useSession } from '../commands/use-commands.tsx';
import { DataFileSuggestions } from '../files/DataFileSuggestions.tsx';
import { FileDrop } from '../files/FileDrop.tsx';
import { InputFileCheck } from '../files/InputFileCheck.tsx';
import { Inspector } from '../inspector/Inspector.tsx';
import { Palette } from '../palette/Palette.tsx';
import { ProblemsList } from '../problems/ProblemsList.tsx';
import { StepDrawer } from '../runs/StepDrawer.tsx';
import { hasUnsavedChanges } from '../store/document-slice.ts';
import { useEditor } from '../store/editor-context.tsx';
import { EditorDialogs } from './EditorDialogs.tsx';
import { FitOnLoad } from './FitOnLoad.tsx';
import { PortLegend } from './PortLegend.tsx';
import { Toasts } from './Toasts.tsx';
import { TopBar } from './TopBar.tsx';

/** Closing or reloading the tab with unsaved edits asks first. */
function useWarnBeforeLeavingUnsaved(): void {
  const dirty = useEditor(hasUnsavedChanges);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
}

/** The editor's layout: top bar, palette, canvas with problems and step drawer, inspector. */
export function Editor() {
  useCommandShortcuts();
  const session = useSession();
  const empty = useEditor((state) => state.document.nodes.length === 0);
  const openDialog = useEditor((state) => state.openDialog);
  useEffect(() => {
    void session.restoreFromLocation();
  }, [session]);
  useWarnBeforeLeavingUnsaved();

  return (
    <div className="editor">
      <TopBar />
      <div className="editor-main">
        <Palette />
        <main className="editor-center">
          <div className="canvas-area">
            <PipelineCanvas />
            <FitOnLoad />
            <PortLegend />
            {/* Over the canvas' foot, so a toast never hides the Problems list or the step drawer below it. */}
            <Toasts />
            {empty && (
              <div className="canvas-empty">
                <strong>Drag a node from the palette to start</strong>
                <span>or press A to add one, ⌘O / Ctrl+O to open a saved pipeline, ? for shortcuts</span>
                <button
                  type="button"
                  className="button canvas-empty-action"
                  onClick={() => openDialog('examples')}
                  data-testid="open-example"
                >
                  Open an example…
                </button>
              </div>
            )}
          </div>
          <StepDrawer />
          <ProblemsList />
        </main>
        <Inspector />
      </div>
      <EditorDialogs />
      <FileDrop />
      <DataFileSuggestions />
      <InputFileCheck />
      <ColumnFacts />
    </div>
  );
}
