import { commandById } from '../commands/editor-commands.ts';
import { useRunCommand } from '../commands/use-commands.tsx';
import { useEditor } from '../store/editor-context.tsx';
import { RunTriggerBadge } from '../triggers/RunTriggerBadge.tsx';
import { countsSummary, finishedCount, inProgress, stepCounts } from './run-projection.ts';

/** The shown run at a glance: status, progress over its steps, the live stream's health, resume. */
export function RunStatusBar() {
  const view = useEditor((state) => state.runView);
  const stream = useEditor((state) => state.streamState);
  const runCommand = useRunCommand();
  if (view === undefined) return null;
  const counts = stepCounts(view);
  const total = view.order.length;
  const done = finishedCount(counts);
  const status = view.run.status;
  return (
    <div className={`run-status run-${status}`} data-testid="run-status" data-status={status}>
      <span className={`status-badge status-${status}`}>{status}</span>
      <RunTriggerBadge trigger={view.run.trigger} />
      <div className="run-progress" title={`${done} of ${total} steps finished`}>
        <div
          className="run-progress-ok"
          style={{ width: `${(100 * (counts.succeeded + counts.cached)) / Math.max(total, 1)}%` }}
        />
        <div className="run-progress-failed" style={{ width: `${(100 * counts.failed) / Math.max(total, 1)}%` }} />
      </div>
      <span className="run-counts" data-testid="run-counts">
        {countsSummary(counts, total, inProgress(status))}
      </span>
      {stream === 'reconnecting' && (
        <span className="stream-state" data-testid="stream-reconnecting">
          reconnecting…
        </span>
      )}
      {(status === 'failed' || status === 'cancelled') && (
        <button
          type="button"
          className="button small"
          onClick={() => runCommand(commandById('run.resume'))}
          data-testid="resume-button"
        >
          Resume
        </button>
      )}
      {!inProgress(status) && (
        <button
          type="button"
          className="icon-button"
          aria-label="Hide run"
          title="Back to editing"
          onClick={() => runCommand(commandById('run.close'))}
        >
          ×
        </button>
      )}
    </div>
  );
}
