import { useEffect } from 'react';
import { PipelineCanvas } from '../canvas/PipelineCanvas.tsx';
import { ColumnFacts } from '../columns/ColumnFacts.tsx';
import { useCommandShortcuts, useSession } from '../commands/use-commands.tsx';
import { DataFileSuggestions } from '../files/DataFileSuggestions.tsx';
import { FileDrop } from '../files/FileDrop.tsx';
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
            {empty && (
              <div className="canvas-empty" aria-hidden="true">
                <strong>Drag a node from the palette to start</strong>
                <span>or press A to add one, ⌘O / Ctrl+O to open a saved pipeline, ? for shortcuts</span>
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
      <ColumnFacts />
      <Toasts />
    </div>
  );
}
