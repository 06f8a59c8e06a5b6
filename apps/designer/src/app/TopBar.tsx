import { commandById } from '../commands/editor-commands.ts';
import { useRunCommand } from '../commands/use-commands.tsx';
import { RunStatusBar } from '../runs/RunStatusBar.tsx';
import { inProgress } from '../runs/run-projection.ts';
import { useEditor } from '../store/editor-context.tsx';
import { MenuBar } from './MenuBar.tsx';

/** Brand, menus, the pipeline's name and save state, and the run controls. */
export function TopBar() {
  const name = useEditor((state) => state.document.name);
  const file = useEditor((state) => state.file);
  const dirty = useEditor((state) => state.file.saved !== state.document);
  const problemCount = useEditor((state) => state.problems.diagnostics.length);
  const runActive = useEditor((state) => inProgress(state.runView?.run.status));
  const runCommand = useRunCommand();

  return (
    <header className="top-bar">
      <div className="brand">
        <svg viewBox="0 0 16 16" width="20" height="20" aria-hidden="true">
          <rect width="16" height="16" rx="4" fill="var(--accent)" />
          <path d="M4 4v8M8 4v8M12 4v8M3 8h10" stroke="white" strokeWidth="1.5" />
        </svg>
        <span>Loom</span>
      </div>
      <MenuBar />
      <div className="document-title" data-testid="document-title">
        <span className="document-name">{name}</span>
        <span className={`save-state${dirty ? ' is-dirty' : ''}`} data-testid="save-state">
          {file.pipelineId === undefined ? 'not saved' : dirty ? 'unsaved changes' : `saved · v${file.version}`}
        </span>
      </div>
      <div className="top-bar-actions">
        <RunStatusBar />
        <button
          type="button"
          className="button"
          onClick={() => runCommand(commandById('file.save'))}
          data-testid="save-button"
        >
          Save
        </button>
        {runActive ? (
          <button
            type="button"
            className="button danger"
            onClick={() => runCommand(commandById('run.cancel'))}
            data-testid="cancel-button"
          >
            Cancel
          </button>
        ) : (
          <button
            type="button"
            className="button primary"
            onClick={() => runCommand(commandById('run.start'))}
            title={problemCount > 0 ? `${problemCount} problem(s) to fix first` : 'Run the pipeline'}
            data-testid="run-button"
          >
            ▶ Run
          </button>
        )}
      </div>
    </header>
  );
}
