import type { Endpoint, ModelVersion } from '@loom/server/api-types';
import { formatTime, fullTime } from '../files/format-time.ts';
import { formatMetric, metricsSummary, numericMetrics, trafficPercent } from './model-facts.ts';

/**
 * A model's versions, newest first: when each was registered, the metrics that gated it, its aliases
 * and share of traffic, and the run that trained it (a link that opens that run on the canvas).
 */
export function VersionsTable({
  versions,
  endpoint,
  onOpenRun,
}: {
  versions: readonly ModelVersion[];
  endpoint: Endpoint | undefined;
  onOpenRun: (runId: string) => void;
}) {
  if (versions.length === 0) return <div className="empty-note">Every version of this model was deleted.</div>;
  return (
    <table className="runs-table versions-table">
      <thead>
        <tr>
          <th>Version</th>
          <th>Aliases</th>
          <th>Traffic</th>
          <th>Metrics</th>
          <th>Registered</th>
          <th>Trained by</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((version) => {
          const percent = trafficPercent(endpoint, version.version);
          return (
            <tr
              key={version.version}
              className={percent === undefined ? undefined : 'is-current'}
              data-testid={`version-row-${version.version}`}
            >
              <td>
                <strong>v{version.version}</strong>
                <div className="pick-meta">{version.task}</div>
              </td>
              <td data-testid="version-aliases">
                {version.aliases.length === 0 ? (
                  <span className="pick-meta">—</span>
                ) : (
                  version.aliases.map((alias) => (
                    <span key={alias} className="tag alias-tag">
                      {alias}
                    </span>
                  ))
                )}
              </td>
              <td data-testid="version-traffic">
                {percent === undefined ? <span className="pick-meta">—</span> : `${percent}%`}
              </td>
              <td title={metricsTitle(version)} data-testid="version-metrics">
                {metricsSummary(version.metrics)}
              </td>
              <td title={fullTime(version.createdAt)}>{formatTime(version.createdAt)}</td>
              <td>
                <Provenance version={version} onOpenRun={onOpenRun} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Provenance({ version, onOpenRun }: { version: ModelVersion; onOpenRun: (runId: string) => void }) {
  const { runId, stepId, pipelineId, pipelineVersion } = version.provenance;
  const trainer = <div className="pick-meta">{version.trainedBy}</div>;
  if (runId === null)
    return (
      <>
        <span className="pick-meta">registered by hand</span>
        {trainer}
      </>
    );
  const where = [
    pipelineId === null ? undefined : `pipeline ${pipelineId}`,
    pipelineVersion === null ? undefined : `v${pipelineVersion}`,
  ]
    .filter((part) => part !== undefined)
    .join(' ');
  return (
    <>
      <button
        type="button"
        className="link-button"
        title={`Open run ${runId}${where === '' ? '' : ` of ${where}`} on the canvas`}
        onClick={() => onOpenRun(runId)}
        data-testid={`provenance-${version.version}`}
      >
        run <code>{runId}</code>
        {stepId !== null && ` · ${stepId}`}
      </button>
      {trainer}
    </>
  );
}

function metricsTitle(version: ModelVersion): string | undefined {
  const numbers = numericMetrics(version.metrics);
  return numbers.length === 0
    ? undefined
    : numbers.map(([name, value]) => `${name}: ${formatMetric(value)}`).join('\n');
}
