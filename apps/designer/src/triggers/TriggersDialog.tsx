import type { PipelineParameter } from '@loom/graph';
import type { Trigger } from '@loom/server/api-types';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Dialog } from '../app/Dialog.tsx';
import { useSession } from '../commands/use-commands.tsx';
import { useEditor } from '../store/editor-context.tsx';
import { TriggerForm, type TriggerFormValues } from './TriggerForm.tsx';
import { TriggerTable } from './TriggerTable.tsx';
import { WebhookSecret } from './WebhookSecret.tsx';
import './triggers.css';

/** What the dialog shows above the list: nothing, a form, or a webhook's secret (once). */
type Panel =
  | { kind: 'none' }
  | { kind: 'create'; triggerKind: Trigger['kind'] }
  | { kind: 'edit'; trigger: Trigger }
  | { kind: 'secret'; name: string; url: string; secret: string };

const NO_PARAMETERS: Readonly<Record<string, PipelineParameter>> = {};

/**
 * Triggers of the open (saved) pipeline: its schedules and webhooks with their next tick and last
 * fire; pause, resume, edit, delete, and create new ones. Every change is made on the server and the
 * list read back; the server's refusal (a bad cron expression, say) is shown where it was typed.
 */
export function TriggersDialog() {
  const session = useSession();
  const close = useEditor((state) => state.openDialog);
  const toast = useEditor((state) => state.toast);
  const pipelineId = useEditor((state) => state.file.pipelineId);
  const parameters = useEditor((state) => state.document.parameters) ?? NO_PARAMETERS;
  const [triggers, setTriggers] = useState<Trigger[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [busy, setBusy] = useState(false);
  const latest = useRef(0);

  const refresh = useCallback(async () => {
    if (pipelineId === undefined) return;
    const request = ++latest.current;
    try {
      const reply = await session.api.listTriggers(pipelineId);
      if (request !== latest.current) return;
      setTriggers(reply.triggers);
      setError(undefined);
    } catch (cause) {
      if (request === latest.current) setError((cause as Error).message);
    }
  }, [session, pipelineId]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (cause) {
      toast('error', (cause as Error).message);
    } finally {
      setBusy(false);
    }
    await refresh();
  };

  const copy = (text: string, what: string) =>
    void navigator.clipboard.writeText(text).then(
      () => toast('success', `Copied ${what}`),
      () => toast('error', 'The browser did not let Loom copy; select the text and copy it'),
    );

  const save = async (values: TriggerFormValues) => {
    if (pipelineId === undefined || panel.kind === 'none' || panel.kind === 'secret') return;
    setBusy(true);
    setFormError(undefined);
    try {
      if (panel.kind === 'edit') {
        await session.api.updateTrigger(panel.trigger.id, values);
        setPanel({ kind: 'none' });
      } else {
        const created = await session.api.createTrigger({ ...values, kind: panel.triggerKind, pipelineId });
        setPanel(
          created.secret === undefined
            ? { kind: 'none' }
            : {
                kind: 'secret',
                name: created.trigger.name,
                url: session.api.hookUrl(created.trigger.id),
                secret: created.secret,
              },
        );
      }
    } catch (cause) {
      setFormError((cause as Error).message);
    } finally {
      setBusy(false);
    }
    await refresh();
  };

  return (
    <Dialog title="Triggers" testId="triggers-dialog" className="triggers-dialog">
      {pipelineId === undefined ? (
        <div className="empty-note">Save the pipeline first: triggers start runs of a saved pipeline.</div>
      ) : (
        <>
          <div className="triggers-toolbar">
            <button
              type="button"
              className="button small"
              onClick={() => {
                setFormError(undefined);
                setPanel({ kind: 'create', triggerKind: 'schedule' });
              }}
              data-testid="trigger-new-schedule"
            >
              ◷ New schedule
            </button>
            <button
              type="button"
              className="button small"
              onClick={() => {
                setFormError(undefined);
                setPanel({ kind: 'create', triggerKind: 'webhook' });
              }}
              data-testid="trigger-new-webhook"
            >
              ⚡ New webhook
            </button>
            <button type="button" className="button small triggers-refresh" onClick={() => void refresh()}>
              ↻ Refresh
            </button>
          </div>
          {panel.kind === 'secret' && (
            <WebhookSecret
              name={panel.name}
              url={panel.url}
              secret={panel.secret}
              onCopy={copy}
              onDone={() => setPanel({ kind: 'none' })}
            />
          )}
          {(panel.kind === 'create' || panel.kind === 'edit') && (
            <TriggerForm
              key={panel.kind === 'edit' ? panel.trigger.id : panel.triggerKind}
              kind={panel.kind === 'edit' ? panel.trigger.kind : panel.triggerKind}
              {...(panel.kind === 'edit' ? { initial: panel.trigger } : {})}
              parameters={parameters}
              busy={busy}
              error={formError}
              onSubmit={(values) => void save(values)}
              onCancel={() => setPanel({ kind: 'none' })}
            />
          )}
          {error !== undefined && <div className="callout danger">{error}</div>}
          {triggers === undefined && error === undefined && <div className="empty-note">Loading triggers…</div>}
          {triggers?.length === 0 && (
            <div className="empty-note" data-testid="triggers-empty">
              No triggers yet. A <strong>schedule</strong> runs this pipeline on a cron expression; a{' '}
              <strong>webhook</strong> runs it when a signed request comes (a Git push, say).
            </div>
          )}
          {triggers !== undefined && triggers.length > 0 && (
            <TriggerTable
              triggers={triggers}
              actions={{
                busy,
                onTogglePause: (trigger) =>
                  void act(async () => {
                    await session.api.updateTrigger(trigger.id, { paused: !trigger.paused });
                  }),
                onEdit: (trigger) => {
                  setFormError(undefined);
                  setPanel({ kind: 'edit', trigger });
                },
                onDelete: (trigger) => {
                  if (!window.confirm(`Delete the ${trigger.kind} “${trigger.name}”? The runs it started stay.`))
                    return;
                  void act(() => session.api.deleteTrigger(trigger.id));
                },
                onRotate: (trigger) => {
                  if (
                    !window.confirm(`Give “${trigger.name}” a new secret? Senders using the old one will be refused.`)
                  )
                    return;
                  void act(async () => {
                    const { secret } = await session.api.rotateTriggerSecret(trigger.id);
                    setPanel({ kind: 'secret', name: trigger.name, url: session.api.hookUrl(trigger.id), secret });
                  });
                },
                onCopyUrl: (trigger) => copy(session.api.hookUrl(trigger.id), 'the webhook URL'),
                onOpenRun: (runId) => {
                  close(undefined);
                  void session.openRunById(runId);
                },
              }}
            />
          )}
        </>
      )}
    </Dialog>
  );
}
