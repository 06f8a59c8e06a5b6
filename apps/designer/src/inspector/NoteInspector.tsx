import { useState } from 'react';
import { useEditor } from '../store/editor-context.tsx';

/** A note's text; committed when the field loses focus, so one edit is one undo step. */
export function NoteInspector({ noteId }: { noteId: string }) {
  const note = useEditor((state) => state.document.notes?.find((candidate) => candidate.id === noteId));
  const updateNote = useEditor((state) => state.updateNote);
  const [draft, setDraft] = useState<string | undefined>(undefined);
  if (note === undefined) return null;
  return (
    <div className="inspector-body" data-testid="note-inspector">
      <div className="panel-header">Note</div>
      <label className="field">
        <span className="field-label">Text</span>
        <textarea
          rows={8}
          value={draft ?? note.text}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={() => {
            if (draft !== undefined && draft !== note.text) updateNote(noteId, { text: draft });
            setDraft(undefined);
          }}
          data-testid="note-text"
        />
      </label>
      <p className="field-help">
        Notes are saved with the pipeline. Double-click a note on the canvas to edit it there.
      </p>
    </div>
  );
}
