import type { PipelineList } from '@loom/server/api-types';
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { Dialog } from '../app/Dialog.tsx';
import { useSession } from '../commands/use-commands.tsx';
import { hasUnsavedChanges } from '../store/document-slice.ts';
import { useEditor } from '../store/editor-context.tsx';
import { formatTime, fullTime } from './format-time.ts';
import { matchesSearch } from './list-search.ts';

type Pipeline = PipelineList['pipelines'][number];

/** The pipelines saved on the server, most recently changed first: open, search, rename, delete. */
export function OpenDialog() {
  const session = useSession();
  const close = useEditor((state) => state.openDialog);
  const dirty = useEditor(hasUnsavedChanges);
  const [list, setList] = useState<Pipeline[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [search, setSearch] = useState('');
  const [renaming, setRenaming] = useState<string | undefined>(undefined);
  const reload = useCallback(
    () =>
      session.api.listPipelines().then(
        (reply) => setList(reply.pipelines),
        (cause: Error) => setError(cause.message),
      ),
    [session],
  );
  useEffect(() => {
    void reload();
  }, [reload]);

  const open = async (id: string) => {
    if (dirty && !window.confirm('Discard the unsaved changes of the open pipeline?')) return;
    if (await session.open(id)) close(undefined);
  };
  const rename = async (pipeline: Pipeline, name: string) => {
    setRenaming(undefined);
    if (name === '' || name === pipeline.name) return;
    if (await session.renamePipeline(pipeline.id, name)) await reload();
  };
  const remove = async (pipeline: Pipeline) => {
    const question = `Delete "${pipeline.name}" and its ${pipeline.latestVersion} version${pipeline.latestVersion === 1 ? '' : 's'}? Its past runs stay in the run history.`;
    if (!window.confirm(question)) return;
    if (await session.deletePipeline(pipeline.id, pipeline.name)) await reload();
  };
  const shown = list?.filter((pipeline) => matchesSearch(search, pipeline.name, pipeline.id));

  return (
    <Dialog title="Open a pipeline" testId="open-dialog">
      {error !== undefined && <div className="field-error">{error}</div>}
      {list === undefined && error === undefined && <div className="empty-note">Loading…</div>}
      {list?.length === 0 && <div className="empty-note">No pipelines saved yet. Build one and press Save.</div>}
      {list !== undefined && list.length > 0 && (
        <input
          type="search"
          className="dialog-search"
          placeholder="Search by name"
          aria-label="Search pipelines by name"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          data-testid="open-search"
        />
      )}
      {shown?.length === 0 && list?.length !== 0 && <div className="empty-note">No pipeline matches “{search}”.</div>}
      <ul className="pick-list">
        {shown?.map((pipeline) => (
          <li key={pipeline.id} className="pick-row" data-testid="open-row">
            {renaming === pipeline.id ? (
              <RenameInput name={pipeline.name} onDone={(name) => void rename(pipeline, name)} />
            ) : (
              <button type="button" onClick={() => void open(pipeline.id)} data-testid={`open-${pipeline.name}`}>
                <span className="pick-title">{pipeline.name}</span>
                <span className="pick-meta" title={fullTime(pipeline.updatedAt)}>
                  v{pipeline.latestVersion} · {formatTime(pipeline.updatedAt)}
                </span>
              </button>
            )}
            <button
              type="button"
              className="button small"
              onClick={() => setRenaming(pipeline.id)}
              aria-label={`Rename ${pipeline.name}`}
              data-testid={`rename-${pipeline.name}`}
            >
              Rename
            </button>
            <button
              type="button"
              className="button small danger"
              onClick={() => void remove(pipeline)}
              aria-label={`Delete ${pipeline.name}`}
              data-testid={`delete-${pipeline.name}`}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}

/** The name being edited in place: Enter or leaving the field renames, Escape keeps the old name. */
function RenameInput({ name, onDone }: { name: string; onDone: (name: string) => void }) {
  const [text, setText] = useState(name);
  // Enter ends the edit, and the field's blur as it goes must not rename a second time.
  const ended = useRef(false);
  const end = (next: string) => {
    if (ended.current) return;
    ended.current = true;
    onDone(next);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') end(text.trim());
    // The editor's shortcuts leave keys typed into fields alone, so Escape here ends only the rename.
    else if (event.key === 'Escape') end(name);
  };
  return (
    <input
      // biome-ignore lint/a11y/noAutofocus: the field appears because Rename was pressed
      autoFocus
      className="pick-rename"
      value={text}
      aria-label="New name"
      onFocus={(event) => event.target.select()}
      onChange={(event) => setText(event.target.value)}
      onKeyDown={onKeyDown}
      onBlur={() => end(text.trim())}
      data-testid="rename-input"
    />
  );
}
