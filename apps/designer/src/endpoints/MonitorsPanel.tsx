import type { Alert, ModelVersion, Monitor, MonitorCreated, MonitorWindow } from '@loom/server/api-types';
import { useState } from 'react';
import type { LoomApi } from '../api/loom-api.ts';
import { formatTime, fullTime } from '../files/format-time.ts';
import { AddMonitorForm } from './AddMonitorForm.tsx';
import { AlertsList } from './AlertsList.tsx';
import { DriftChart } from './DriftChart.tsx';
import { DriftReport } from './DriftReport.tsx';
import { type ChartWindow, datasetThreshold, driftSeries, type FeatureMeasure } from './drift-series.ts';
import { describeEvaluated, describeRule, describeStatus, formatSeconds } from './monitors-data.ts';
import { useModelMonitoring } from './use-monitoring.ts';
import './monitors.css';

interface Notice {
  tone: 'success' | 'error';
  message: string;
}

export interface MonitorsPanelProps {
  api: LoomApi;
  model: string;
  /** The model's versions, newest first: the newest one's inputs are the features rules can name. */
  versions: readonly ModelVersion[];
  onOpenRun: (runId: string) => void;
  /** An alert was resolved (or a monitor deleted): the model list's badges read again. */
  onAlertsChanged: () => void;
}

/**
 * A model's monitoring: its alerts (open ones first), its monitors with Check now, pause and delete,
 * "Add monitor", and the selected monitor's drift chart, whose windows open their drift report.
 * Everything is read from the server every few seconds while the tab is open.
 */
export function MonitorsPanel({ api, model, versions, onOpenRun, onAlertsChanged }: MonitorsPanelProps) {
  const { monitoring, error, reload } = useModelMonitoring(api, model);
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<MonitorCreated | undefined>(undefined);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const [measure, setMeasure] = useState<FeatureMeasure>('drift_score');
  const [report, setReport] = useState<ChartWindow | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);

  const latest = versions[0];
  const monitors = monitoring?.monitors ?? [];
  const selected = monitors.find((monitor) => monitor.id === chosen) ?? monitors[0];

  const act = async (work: () => Promise<string>) => {
    setBusy(true);
    try {
      setNotice({ tone: 'success', message: await work() });
    } catch (cause) {
      setNotice({ tone: 'error', message: (cause as Error).message });
    } finally {
      setBusy(false);
    }
    await reload();
    onAlertsChanged();
  };
  const checkNow = (monitor: Monitor) =>
    act(async () => describeEvaluated(monitor, (await api.evaluateMonitor(monitor.id)).windows));
  const togglePause = (monitor: Monitor) =>
    act(async () => {
      await api.updateMonitor(monitor.id, { paused: !monitor.paused });
      return monitor.paused
        ? `${monitor.name} resumed`
        : `${monitor.name} paused: no window is evaluated until resumed`;
    });
  const remove = (monitor: Monitor) => {
    if (!window.confirm(`Delete monitor "${monitor.name}" with its windows and alerts?`)) return;
    if (report !== undefined && selected?.id === monitor.id) setReport(undefined);
    void act(async () => {
      await api.deleteMonitor(monitor.id);
      return `${monitor.name} deleted`;
    });
  };
  const resolve = (alert: Alert) =>
    act(async () => {
      await api.resolveAlert(alert.id);
      return `Alert resolved: ${describeRule(alert.rule)}`;
    });

  return (
    <div className="monitors-panel" data-testid="monitors-panel">
      {notice !== undefined && (
        <div className={`endpoints-notice is-${notice.tone}`} role="status">
          <span data-testid="monitors-notice">{notice.message}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotice(undefined)}>
            ×
          </button>
        </div>
      )}
      {error !== undefined && <div className="callout danger">{error}</div>}
      {monitoring === undefined && error === undefined && <div className="empty-note">Loading monitors…</div>}
      {monitoring !== undefined && (
        <AlertsList
          alerts={monitoring.alerts}
          monitors={monitors}
          busy={busy}
          onResolve={(alert) => void resolve(alert)}
          onOpenRun={onOpenRun}
        />
      )}
      {secret !== undefined && <SecretNotice created={secret} onDismiss={() => setSecret(undefined)} />}
      <section className="model-section" aria-label="Monitors">
        <div className="monitors-heading">
          <h3 className="panel-section-title">Monitors</h3>
          {!adding && (
            <button type="button" className="button small" onClick={() => setAdding(true)} data-testid="monitor-add">
              + Add monitor
            </button>
          )}
        </div>
        {latest !== undefined && !latest.hasBaseline && (
          <div className="callout" data-testid="monitor-no-baseline">
            v{latest.version} has no training baseline (it was trained before Loom kept one): its windows cannot be
            compared with training. Retrain it to monitor drift.
          </div>
        )}
        {adding && (
          <AddMonitorForm
            api={api}
            model={model}
            features={latest?.inputs.map((input) => input.name) ?? []}
            onCancel={() => setAdding(false)}
            onCreated={(created) => {
              setAdding(false);
              setSecret(created);
              setChosen(created.monitor.id);
              setReport(undefined);
              void reload();
            }}
          />
        )}
        {monitoring !== undefined && monitors.length === 0 && !adding && (
          <div className="empty-note" data-testid="monitors-empty">
            No monitor watches {model}. Add one to compare its endpoint’s traffic with the training data, window by
            window, and raise an alert when it drifts.
          </div>
        )}
        {monitors.length > 0 && monitoring !== undefined && (
          <MonitorsTable
            monitors={monitors}
            windows={monitoring.windows}
            selected={selected?.id}
            busy={busy}
            onSelect={(id) => {
              setChosen(id);
              setReport(undefined);
            }}
            onCheck={(monitor) => void checkNow(monitor)}
            onTogglePause={(monitor) => void togglePause(monitor)}
            onDelete={remove}
          />
        )}
      </section>
      {selected !== undefined && monitoring !== undefined && (
        <section className="model-section" aria-label="Drift" data-testid="drift-section">
          <div className="monitors-heading">
            <h3 className="panel-section-title">Drift · {selected.name}</h3>
            <div className="drift-measure" role="toolbar" aria-label="Feature lines show">
              {(['drift_score', 'psi'] as const).map((option) => (
                <button
                  key={option}
                  type="button"
                  aria-pressed={measure === option}
                  className={`chip${measure === option ? ' is-active' : ''}`}
                  onClick={() => setMeasure(option)}
                  data-testid={`drift-measure-${option}`}
                >
                  {option === 'psi' ? 'PSI' : 'Drift score'}
                </button>
              ))}
            </div>
          </div>
          <DriftChart
            series={driftSeries(monitoring.windows.get(selected.id) ?? [], measure, datasetThreshold(selected))}
            measure={measure}
            selected={report?.start}
            onSelect={setReport}
          />
          {report !== undefined && (
            <DriftReport
              key={report.start}
              api={api}
              monitorId={selected.id}
              window={report}
              onClose={() => setReport(undefined)}
            />
          )}
        </section>
      )}
    </div>
  );
}

function MonitorsTable({
  monitors,
  windows,
  selected,
  busy,
  onSelect,
  onCheck,
  onTogglePause,
  onDelete,
}: {
  monitors: readonly Monitor[];
  windows: ReadonlyMap<string, readonly MonitorWindow[]>;
  selected: string | undefined;
  busy: boolean;
  onSelect: (id: string) => void;
  onCheck: (monitor: Monitor) => void;
  onTogglePause: (monitor: Monitor) => void;
  onDelete: (monitor: Monitor) => void;
}) {
  return (
    <table className="runs-table monitors-table">
      <thead>
        <tr>
          <th>Monitor</th>
          <th>Window</th>
          <th>Last window</th>
          <th>Alerts when</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {monitors.map((monitor) => {
          const last = windows.get(monitor.id)?.[0];
          return (
            <tr
              key={monitor.id}
              className={monitor.id === selected ? 'is-current' : undefined}
              data-testid={`monitor-row-${monitor.name}`}
            >
              <td>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => onSelect(monitor.id)}
                  title="Chart this monitor’s windows"
                  data-testid="monitor-select"
                >
                  <strong>{monitor.name}</strong>
                </button>
                {monitor.paused && (
                  <span className="tag monitor-paused" data-testid="monitor-paused">
                    paused
                  </span>
                )}
              </td>
              <td data-testid="monitor-window">{formatSeconds(monitor.windowSeconds)}</td>
              <td data-testid="monitor-last-window">
                {last === undefined ? (
                  <span className="pick-meta">none yet</span>
                ) : (
                  <>
                    <span className={`drift-status status-${last.status}`}>{describeStatus(last.status)}</span>
                    <div className="pick-meta" title={fullTime(last.end)}>
                      ended {formatTime(last.end)}
                    </div>
                  </>
                )}
              </td>
              <td>
                {monitor.rules.map((rule, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: rules are known by their place
                  <div key={index}>{describeRule(rule)}</div>
                ))}
                {monitor.actions.map((action) => (
                  <div
                    key={action.kind === 'run' ? `run:${action.pipelineId}` : `hook:${action.url}`}
                    className="pick-meta"
                  >
                    → {action.kind === 'run' ? `runs pipeline ${action.pipelineId}` : `webhook ${action.url}`}
                  </div>
                ))}
              </td>
              <td className="monitor-buttons">
                <button
                  type="button"
                  className="button small"
                  disabled={busy}
                  onClick={() => onCheck(monitor)}
                  title="Evaluate the windows that have ended, without waiting for the server's next check"
                  data-testid="monitor-check"
                >
                  Check now
                </button>
                <button
                  type="button"
                  className="button small"
                  disabled={busy}
                  onClick={() => onTogglePause(monitor)}
                  data-testid="monitor-pause"
                >
                  {monitor.paused ? 'Resume' : 'Pause'}
                </button>
                <button
                  type="button"
                  className="button small danger"
                  disabled={busy}
                  onClick={() => onDelete(monitor)}
                  data-testid="monitor-delete"
                >
                  Delete
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The webhook secret of a monitor just made: the server gives it this once. */
function SecretNotice({ created, onDismiss }: { created: MonitorCreated; onDismiss: () => void }) {
  const [copied, setCopied] = useState<boolean | undefined>(undefined);
  const copy = () =>
    navigator.clipboard.writeText(created.webhookSecret).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <div className="callout monitor-secret" role="status" data-testid="monitor-secret">
      <div>
        <strong>{created.monitor.name}</strong> was added. Its webhook deliveries are signed (HMAC-SHA256 in{' '}
        <code>X-Loom-Signature</code>) with this secret, shown only now:
      </div>
      <div className="monitor-secret-value">
        <input
          readOnly
          aria-label="Webhook secret"
          value={created.webhookSecret}
          onFocus={(event) => event.target.select()}
          data-testid="monitor-secret-value"
        />
        <button type="button" className="button small" onClick={() => void copy()} data-testid="monitor-secret-copy">
          {copied === true ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="button small" onClick={onDismiss}>
          Done
        </button>
      </div>
      {copied === false && (
        <div className="field-error">The browser refused the clipboard: select the text and copy it.</div>
      )}
    </div>
  );
}
