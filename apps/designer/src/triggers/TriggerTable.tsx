import type { Trigger } from '@loom/server/api-types';
import { formatTime, fullTime } from '../files/format-time.ts';
import { describeFire, describeSchedule } from './trigger-facts.ts';

/** What a row's buttons do; each is the dialog's, which asks the server and reads the list back. */
export interface TriggerActions {
  busy: boolean;
  onTogglePause: (trigger: Trigger) => void;
  onEdit: (trigger: Trigger) => void;
  onDelete: (trigger: Trigger) => void;
  onRotate: (trigger: Trigger) => void;
  onCopyUrl: (trigger: Trigger) => void;
  onOpenRun: (runId: string) => void;
}

/** The pipeline's triggers: kind, when (a schedule in words, a webhook's URL), next tick, last fire, actions. */
export function TriggerTable({ triggers, actions }: { triggers: readonly Trigger[]; actions: TriggerActions }) {
  return (
    <table className="runs-table triggers-table" data-testid="triggers-table">
      <thead>
        <tr>
          <th>Trigger</th>
          <th>When</th>
          <th>Next</th>
          <th>Last fire</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {triggers.map((trigger) => (
          <tr
            key={trigger.id}
            className={trigger.paused ? 'is-paused' : undefined}
            data-testid="trigger-row"
            data-trigger={trigger.name}
          >
            <td>
              <span className="trigger-kind" title={trigger.kind}>
                {trigger.kind === 'schedule' ? '◷' : '⚡'}
              </span>{' '}
              <strong>{trigger.name}</strong>
              {trigger.paused && (
                <span className="status-badge status-cancelled trigger-paused" data-testid="trigger-paused">
                  paused
                </span>
              )}
            </td>
            <td className="trigger-when">
              {trigger.kind === 'schedule' ? (
                <span title={`${trigger.cron} in ${trigger.timezone}`} data-testid="trigger-schedule">
                  {describeSchedule(trigger)}
                </span>
              ) : (
                <button
                  type="button"
                  className="link-button"
                  title="Copy the address senders post to"
                  onClick={() => actions.onCopyUrl(trigger)}
                >
                  <code>POST {trigger.hookPath}</code>
                </button>
              )}
            </td>
            <td data-testid="trigger-next">
              {trigger.nextTick === undefined ? (
                '—'
              ) : (
                <span title={fullTime(trigger.nextTick)}>{formatTime(trigger.nextTick)}</span>
              )}
            </td>
            <td className="trigger-last" data-testid="trigger-last-fire">
              {trigger.lastFire === undefined ? (
                <span className="muted">never</span>
              ) : (
                <>
                  <span className={`status-badge fire-${trigger.lastFire.outcome}`}>{trigger.lastFire.outcome}</span>{' '}
                  <span title={`${fullTime(trigger.lastFire.at)}: ${trigger.lastFire.message}`}>
                    {formatTime(trigger.lastFire.at)}
                  </span>{' '}
                  {trigger.lastFire.runId === undefined ? (
                    <span className="muted trigger-fire-text">{describeFire(trigger.lastFire)}</span>
                  ) : (
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => trigger.lastFire?.runId !== undefined && actions.onOpenRun(trigger.lastFire.runId)}
                      data-testid="trigger-open-run"
                    >
                      open run
                    </button>
                  )}
                </>
              )}
            </td>
            <td className="trigger-actions">
              <button
                type="button"
                className="button small"
                disabled={actions.busy}
                onClick={() => actions.onTogglePause(trigger)}
                data-testid="trigger-toggle-pause"
              >
                {trigger.paused ? 'Resume' : 'Pause'}
              </button>
              <button
                type="button"
                className="button small"
                disabled={actions.busy}
                onClick={() => actions.onEdit(trigger)}
                data-testid="trigger-edit"
              >
                Edit
              </button>
              {trigger.kind === 'webhook' && (
                <button
                  type="button"
                  className="button small"
                  disabled={actions.busy}
                  onClick={() => actions.onRotate(trigger)}
                  title="Give the webhook a new secret; the old one stops working"
                >
                  New secret
                </button>
              )}
              <button
                type="button"
                className="button small danger"
                disabled={actions.busy}
                onClick={() => actions.onDelete(trigger)}
                data-testid="trigger-delete"
              >
                Delete
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
