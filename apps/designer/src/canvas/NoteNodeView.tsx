import type { PipelineNote } from '@loom/graph';
import { type Node, type NodeProps, NodeResizer } from '@xyflow/react';
import { memo, useState } from 'react';
import { useEditorStore } from '../store/editor-context.tsx';

export interface NoteNodeData extends Record<string, unknown> {
  note: PipelineNote;
}

export type NoteFlowNode = Node<NoteNodeData, 'note'>;

export const NOTE_SIZE = { width: 220, height: 120 };

/**
 * A free-standing note on the canvas. Double-click to edit; the text is committed when editing ends,
 * so one edit is one undo step. Resizable while selected.
 */
export const NoteNodeView = memo(function NoteNodeView({ id, data, selected }: NodeProps<NoteFlowNode>) {
  const store = useEditorStore();
  const [draft, setDraft] = useState<string | undefined>(data.note.text === '' ? '' : undefined);
  // While the resize handles are dragged the note follows them; the document changes once, at the end.
  const [liveSize, setLiveSize] = useState<{ width: number; height: number } | undefined>(undefined);
  const size = liveSize ?? data.note.size ?? NOTE_SIZE;

  const commit = () => {
    if (draft !== undefined && draft !== data.note.text) store.getState().updateNote(id, { text: draft });
    setDraft(undefined);
  };

  return (
    <div
      className={`note-node${selected ? ' is-selected' : ''}`}
      style={{ width: size.width, height: size.height }}
      data-testid={`note-${id}`}
    >
      <NodeResizer
        isVisible={selected}
        minWidth={80}
        minHeight={40}
        onResize={(_event, box) => setLiveSize({ width: box.width, height: box.height })}
        onResizeEnd={(_event, box) => {
          setLiveSize(undefined);
          const state = store.getState();
          state.updateNote(id, { size: { width: box.width, height: box.height } });
          state.moveNodes([{ id, position: { x: box.x, y: box.y } }]);
        }}
      />
      {draft === undefined ? (
        // biome-ignore lint/a11y/noStaticElementInteractions: double-click to edit, as on every canvas; Enter on a selected note also edits
        <div className="note-text" onDoubleClick={() => setDraft(data.note.text)}>
          {data.note.text === '' ? (
            <span className="note-placeholder">Double-click to write a note</span>
          ) : (
            data.note.text
          )}
        </div>
      ) : (
        <textarea
          // biome-ignore lint/a11y/noAutofocus: editing starts where the user double-clicked
          autoFocus
          className="note-editor nodrag nowheel"
          aria-label="Note text"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={commit}
          onKeyDown={(event) => {
            if (event.key === 'Escape' || (event.key === 'Enter' && (event.metaKey || event.ctrlKey))) {
              event.preventDefault();
              commit();
            }
          }}
          data-testid={`note-editor-${id}`}
        />
      )}
    </div>
  );
});
