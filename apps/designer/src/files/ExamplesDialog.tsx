import { useEffect, useState } from 'react';
import { Dialog } from '../app/Dialog.tsx';
import { useSession } from '../commands/use-commands.tsx';
import { hasUnsavedChanges } from '../store/document-slice.ts';
import { useEditor } from '../store/editor-context.tsx';

type ExampleSummary = Awaited<ReturnType<ReturnType<typeof useSession>['api']['examples']>>['examples'][number];

/** The example pipelines bundled with Loom: each opens ready to run on this server. */
export function ExamplesDialog() {
  const session = useSession();
  const close = useEditor((state) => state.openDialog);
  const dirty = useEditor(hasUnsavedChanges);
  const [list, setList] = useState<ExampleSummary[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    session.api.examples().then(
      (reply) => setList(reply.examples),
      (cause: Error) => setError(cause.message),
    );
  }, [session]);

  const open = async (name: string) => {
    if (dirty && !window.confirm('Discard the unsaved changes of the open pipeline?')) return;
    if (await session.openExample(name)) close(undefined);
  };

  return (
    <Dialog title="Open an example" testId="examples-dialog" wide>
      {error !== undefined && <div className="field-error">{error}</div>}
      {list === undefined && error === undefined && <div className="empty-note">Loading…</div>}
      {list?.length === 0 && (
        <div className="empty-note">This server has no examples (LOOM_EXAMPLES_DIR names their folder).</div>
      )}
      <ul className="pick-list examples-list">
        {list?.map((example) => (
          <li key={example.name}>
            <button type="button" onClick={() => void open(example.name)} data-testid={`example-${example.name}`}>
              <span className="example-text">
                <span className="pick-title">{example.title}</span>
                <span className="example-description">{example.description}</span>
              </span>
              <span className="pick-meta">{example.nodes} nodes</span>
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
