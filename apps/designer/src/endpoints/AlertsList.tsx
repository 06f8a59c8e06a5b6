import type { Alert, Monitor } from '@loom/server/api-types';
import { formatTime, fullTime } from '../files/format-time.ts';
import { formatWindowTime } from './drift-series.ts';
import { describeActionResult, describeRule, formatValue, splitAlerts } from './monitors-data.ts';

export interface AlertsListProps {
  alerts: readonly Alert[];
  monitors: readonly Monitor[];
  busy: boolean;
  onResolve: (alert: Alert) => void;
  /** Opens a run an alert started (its retrain) in the run view. */
  onOpenRun: (runId: string) => void;
}

/**
 * A model's alerts: the open ones first and prominent (the rule in words, its value, since when, the
 * windows it held in, what its actions did, and Resolve), then the resolved ones, quieter.
 */
export function AlertsList({ alerts, monitors, busy, onResolve, onOpenRun }: AlertsListProps) {
  const { open, resolved } = splitAlerts(alerts);
  const monitorOf = (id: string) => monitors.find((monitor) => monitor.id === id);
  return (
    <section className="model-section" aria-label="Alerts" data-testid="alerts">
      <h3 className="panel-section-title">Alerts</h3>
      {open.length === 0 ? (
        <div className="empty-note" data-testid="alerts-none-open">
          No open alert.
        </div>
      ) : (
        <ul className="alert-list">
          {open.map((alert) => (
            <li key={alert.id} className="alert-card is-open" data-testid="alert-open">
              <AlertFacts alert={alert} monitor={monitorOf(alert.monitorId)} onOpenRun={onOpenRun} />
              <button
                type="button"
                className="button small"
                disabled={busy}
                onClick={() => onResolve(alert)}
                data-testid="alert-resolve"
              >
                Resolve
              </button>
            </li>
          ))}
        </ul>
      )}
      {resolved.length > 0 && (
        <details className="alert-resolved">
          <summary>
            {resolved.length} resolved alert{resolved.length === 1 ? '' : 's'}
          </summary>
          <ul className="alert-list">
            {resolved.map((alert) => (
              <li key={alert.id} className="alert-card" data-testid="alert-resolved">
                <AlertFacts alert={alert} monitor={monitorOf(alert.monitorId)} onOpenRun={onOpenRun} />
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function AlertFacts({
  alert,
  monitor,
  onOpenRun,
}: {
  alert: Alert;
  monitor: Monitor | undefined;
  onOpenRun: (runId: string) => void;
}) {
  // Windows shorter than a minute need their seconds to be told apart.
  const windowMs = (monitor?.windowSeconds ?? 3600) * 1000;
  const when = (iso: string) => (windowMs < 60_000 ? formatWindowTime(iso, windowMs) : formatTime(iso));
  const windows =
    alert.firstWindow === alert.lastWindow
      ? `window ${when(alert.firstWindow)}`
      : `windows ${when(alert.firstWindow)} to ${when(alert.lastWindow)}`;
  return (
    <div className="alert-facts">
      <div className="alert-headline">
        <strong data-testid="alert-rule">{describeRule(alert.rule)}</strong>
        <span className="pick-meta">
          {alert.model} · {monitor?.name ?? alert.monitorId}
        </span>
      </div>
      <div className="pick-meta">
        value <strong data-testid="alert-value">{formatValue(alert.rule.metric, alert.value)}</strong> · since{' '}
        <span title={fullTime(alert.openedAt)}>{formatTime(alert.openedAt)}</span> · {windows}
        {alert.resolvedAt !== null && (
          <>
            {' '}
            · resolved <span title={fullTime(alert.resolvedAt)}>{formatTime(alert.resolvedAt)}</span>
          </>
        )}
      </div>
      {alert.actions.length > 0 && (
        <ul className="alert-actions">
          {alert.actions.map((action) => (
            <li
              key={`${action.kind}:${action.target}:${action.at}`}
              className={action.ok ? 'is-ok' : 'is-failed'}
              data-testid={`alert-action-${action.kind}`}
            >
              {action.kind === 'run' && action.ok && action.runId !== undefined ? (
                <button
                  type="button"
                  className="link-button"
                  title={`Open run ${action.runId} in the run view`}
                  onClick={() => onOpenRun(action.runId as string)}
                  data-testid="alert-run-link"
                >
                  started run <code>{action.runId}</code>
                </button>
              ) : (
                <span title={action.target}>{describeActionResult(action)}</span>
              )}
              {action.kind === 'webhook' && <span className="pick-meta alert-action-target">{action.target}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
