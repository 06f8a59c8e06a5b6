import { useEditor } from '../store/editor-context.tsx';
import { NodeInspector } from './NodeInspector.tsx';
import { NoteInspector } from './NoteInspector.tsx';
import { PipelinePanel } from './PipelinePanel.tsx';

/** The right-hand panel: the selected node's settings, or the pipeline's own when no single node is selected. */
export function Inspector() {
  const selected = useEditor((state) => (state.selectedNodes.size === 1 ? [...state.selectedNodes][0] : undefined));
  const count = useEditor((state) => state.selectedNodes.size);
  const isNote = useEditor(
    (state) => selected !== undefined && (state.document.notes ?? []).some((note) => note.id === selected),
  );
  return (
    <aside className="inspector" aria-label="Inspector" data-testid="inspector">
      {selected !== undefined && isNote ? (
        <NoteInspector key={selected} noteId={selected} />
      ) : selected !== undefined ? (
        <NodeInspector key={selected} nodeId={selected} />
      ) : count > 1 ? (
        <div className="inspector-body">
          <div className="panel-header">{count} nodes selected</div>
          <p className="empty-note">Drag to move them together, or copy, duplicate or delete them.</p>
        </div>
      ) : (
        <PipelinePanel />
      )}
    </aside>
  );
}
