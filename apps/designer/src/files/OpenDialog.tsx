import type { PipelineList } from '@loom/server/api-types';
import { useEffect, useState } from 'react';
import { Dialog } from '../app/Dialog.tsx';
import { useSession } from '../commands/use-commands.tsx';
import { hasUnsavedChanges } from '../store/document-slice.ts';
import { useEditor } from '../store/editor-context.tsx';
import { formatTime } from './format-time.ts';

/** The pipelines saved on the server, most recently changed first. */
export function OpenDialog() {
  const session = useSession();
  const close = useEditor((state) => state.openDialog);
  const dirty = useEditor(hasUnsavedChanges);
  const [list, setList] = useState<PipelineList['pipelines'] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    session.api.listPipelines().then(
      (reply) => setList(reply.pipelines),
      (cause: Error) => setError(cause.message),
    );
  }, [session]);

  const open = async (id: string) => {
    if (dirty && !window.confirm('Discard the unsaved changes of the open pipeline?')) return;
    if (await session.open(id)) close(undefined);
  };

  return (
    <Dialog title="Open a pipeline" testId="open-dialog">
      {error !== undefined && <div className="field-error">{error}</div>}
      {list === undefined && error === undefined && <div className="empty-note">Loading…</div>}
      {list?.length === 0 && <div className="empty-note">No pipelines saved yet. Build one and press Save.</div>}
      <ul className="pick-list">
        {list?.map((pipeline) => (
          <li key={pipeline.id}>
            <button type="button" onClick={() => void open(pipeline.id)} data-testid={`open-${pipeline.name}`}>
              <span className="pick-title">{pipeline.name}</span>
              <span className="pick-meta">
                v{pipeline.latestVersion} · {formatTime(pipeline.updatedAt)}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
