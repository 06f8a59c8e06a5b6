import { useEditor } from '../store/editor-context.tsx';
import { cacheVerdict } from './cache-status.ts';

/** What the shown run did with a step (ran, reused a cached result, …) and whether it will re-run now. */
export function CacheBadge({ nodeId }: { nodeId: string }) {
  const plan = useEditor((state) => state.problems.plan);
  const runView = useEditor((state) => state.runView);
  const step = runView?.steps[nodeId];
  const verdict = cacheVerdict(
    nodeId,
    plan,
    runView === undefined ? undefined : { plan: runView.plan, steps: runView.steps },
  );
  return (
    <div className="cache-info" data-testid="cache-info">
      {step?.status === 'cached' && (
        <div className="cache-line">
          <span className="status-badge status-cached">cached</span> Reused the result of run {step.cachedFromRun}: same
          code, parameters and inputs.
        </div>
      )}
      {step?.status === 'succeeded' && (
        <div className="cache-line">
          <span className="status-badge status-succeeded">ran</span> No stored result matched, so it ran
          {step.durationMs === undefined ? '' : ` (${formatDuration(step.durationMs)})`}.
        </div>
      )}
      <div className={`cache-line verdict-${verdict.kind}`} data-testid="cache-verdict" data-verdict={verdict.kind}>
        <span className={`status-badge verdict-${verdict.kind}`}>
          {verdict.kind === 'reuse' ? 'will reuse' : verdict.kind === 'rerun' ? 'will run' : 'next run'}
        </span>{' '}
        {verdict.reason}
      </div>
    </div>
  );
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
