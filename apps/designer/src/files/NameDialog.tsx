import { type FormEvent, useState } from 'react';
import { Dialog } from '../app/Dialog.tsx';
import { useSession } from '../commands/use-commands.tsx';
import { useEditor } from '../store/editor-context.tsx';
import { UNTITLED } from './pipeline-name.ts';

/**
 * Asks for a new pipeline's name before its first save (and so before its first run): offers a name
 * from what the pipeline does, Enter saves under the name typed, Escape or Cancel saves nothing.
 */
export function NameDialog() {
  const session = useSession();
  const close = useEditor((state) => state.openDialog);
  const [name, setName] = useState(() => session.nameSuggestion ?? UNTITLED);
  const trimmed = name.trim();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (trimmed === '') return;
    session.answerName(trimmed);
    close(undefined);
  };

  return (
    <Dialog title="Name the pipeline" testId="name-dialog">
      <form onSubmit={submit} className="run-form">
        <label className="field">
          <span className="field-label">Name</span>
          <input
            autoFocus
            value={name}
            onChange={(event) => setName(event.target.value)}
            onFocus={(event) => event.target.select()}
            // The editor's shortcuts leave keys typed into fields alone: Escape is this field's to handle.
            onKeyDown={(event) => {
              if (event.key === 'Escape') close(undefined);
            }}
            aria-invalid={trimmed === '' || undefined}
            data-testid="pipeline-name-input"
          />
          {trimmed === '' ? (
            <span className="field-error">A name is needed to save the pipeline</span>
          ) : (
            <span className="field-help">Saved pipelines are listed by name in File → Open.</span>
          )}
        </label>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => close(undefined)} data-testid="name-cancel">
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={trimmed === ''} data-testid="name-submit">
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
