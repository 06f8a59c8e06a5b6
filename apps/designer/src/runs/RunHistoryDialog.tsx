import type { RunSummary } from '@loom/server/api-types';
import { useEffect, useState } from 'react';
import { Dialog } from '../app/Dialog.tsx';
import { useSession } from '../commands/use-commands.tsx';
import { formatTime, fullTime } from '../files/format-time.ts';
import { matchesSearch } from '../files/list-search.ts';
import { useEditor } from '../store/editor-context.tsx';
import { RunTriggerBadge } from '../triggers/RunTriggerBadge.tsx';
import { formatDuration } from './CacheBadge.tsx';

/** Past runs of the open pipeline (or of all pipelines, when none is saved yet); opening one shows it on the canvas. */
export function RunHistoryDialog() {
  const session = useSession();
  const close = useEditor((state) => state.openDialog);
  const pipelineId = useEditor((state) => state.file.pipelineId);
  const shown = useEditor((state) => state.runView?.run.id);
  const [runs, setRuns] = useState<RunSummary[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [search, setSearch] = useState('');
  const shownRuns = runs?.filter((run) => matchesSearch(search, run.id, run.status, run.pipelineName));
  useEffect(() => {
    session.api.listRuns(pipelineId === undefined ? { limit: 50 } : { pipelineId, limit: 50 }).then(
      (reply) => setRuns(reply.runs),
      (cause: Error) => setError(cause.message),
    );
  }, [session, pipelineId]);

  return (
    <Dialog title="Run history" testId="runs-dialog" wide>
      {error !== undefined && <div className="field-error">{error}</div>}
      {runs?.length === 0 && <div className="empty-note">No runs yet.</div>}
      {runs !== undefined && runs.length > 0 && (
        <input
          type="search"
          className="dialog-search"
          placeholder="Search by pipeline, run id or status"
          aria-label="Search runs by pipeline name, run id or status"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          data-testid="runs-search"
        />
      )}
      {shownRuns?.length === 0 && runs?.length !== 0 && <div className="empty-note">No run matches “{search}”.</div>}
      <table className="runs-table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Status</th>
            <th>Version</th>
            <th>Started</th>
            <th>Duration</th>
            <th>Steps</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shownRuns?.map((run) => (
            <tr key={run.id} className={run.id === shown ? 'is-current' : undefined} data-testid="run-row">
              <td>
                <code>{run.id}</code>
                {run.source === 'cli' && (
                  <span
                    className="run-source"
                    title="Started by loom run on this server's home"
                    data-testid="run-source"
                  >
                    CLI
                  </span>
                )}
                <RunTriggerBadge trigger={run.trigger} />
              </td>
              <td>
                <span className={`status-badge status-${run.status}`}>{run.status}</span>
              </td>
              <td>
                {run.pipelineName} v{run.pipelineVersion}
              </td>
              <td title={fullTime(run.startedAt ?? run.createdAt)}>{formatTime(run.startedAt ?? run.createdAt)}</td>
              <td>{run.durationMs === undefined ? '—' : formatDuration(run.durationMs)}</td>
              <td className="step-counts">
                {Object.entries(run.stepCounts)
                  .filter(([, count]) => count > 0)
                  .map(([status, count]) => `${count} ${status}`)
                  .join(' · ')}
              </td>
              <td>
                <button
                  type="button"
                  className="button small"
                  onClick={() => {
                    close(undefined);
                    void session.openPastRun(run);
                  }}
                  data-testid={`open-run-${run.id}`}
                >
                  Open
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
