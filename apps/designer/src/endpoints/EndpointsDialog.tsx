import type { AliasMove } from '@loom/server/api-types';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Dialog } from '../app/Dialog.tsx';
import { useSession } from '../commands/use-commands.tsx';
import { useEditor } from '../store/editor-context.tsx';
import {
  type EndpointsOverview,
  loadModelDetail,
  loadOverview,
  type ModelDetail,
  pickModel,
} from './endpoints-data.ts';
import { ModelList } from './ModelList.tsx';
import { ModelPanel } from './ModelPanel.tsx';
import { describeAliasMove } from './model-facts.ts';
import { useOpenAlertCounts } from './use-monitoring.ts';
import './endpoints.css';

interface Notice {
  tone: 'success' | 'error';
  message: string;
}

/**
 * Models and endpoints: the registered models beside one model's endpoint, traffic split, versions,
 * aliases (move, roll back), "Try it" and history. Every change is made on the server and read back.
 */
export function EndpointsDialog() {
  const session = useSession();
  const close = useEditor((state) => state.openDialog);
  const openedOn = useEditor((state) => state.endpointsModel);
  // Read once: the dialog opens on that model, and the user picks others from then on.
  const firstModel = useRef(openedOn);
  const [overview, setOverview] = useState<EndpointsOverview | undefined>(undefined);
  const [detail, setDetail] = useState<ModelDetail | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const alerts = useOpenAlertCounts(session.api);
  // Answers can come back out of order (a quick second click): only the newest request's is shown.
  const latest = useRef(0);

  const refresh = useCallback(
    async (wanted: string | undefined) => {
      const request = ++latest.current;
      try {
        const next = await loadOverview(session.api);
        const name = pickModel(next, wanted);
        const nextDetail = name === undefined ? undefined : await loadModelDetail(session.api, name, next);
        if (request !== latest.current) return;
        setOverview(next);
        setDetail(nextDetail);
        setError(undefined);
      } catch (cause) {
        if (request === latest.current) setError((cause as Error).message);
      }
    },
    [session],
  );
  useEffect(() => {
    void refresh(firstModel.current);
  }, [refresh]);

  const change = async (action: () => Promise<AliasMove>, rollback: boolean) => {
    if (detail === undefined) return;
    setBusy(true);
    try {
      const move = await action();
      setNotice({ tone: 'success', message: describeAliasMove(detail.name, move, rollback) });
    } catch (cause) {
      setNotice({ tone: 'error', message: (cause as Error).message });
    } finally {
      setBusy(false);
    }
    await refresh(detail.name);
  };

  const model = overview?.models.find((candidate) => candidate.name === detail?.name);
  return (
    <Dialog title="Models and endpoints" testId="endpoints-dialog" className="endpoints-dialog">
      <div className="endpoints-toolbar">
        {notice !== undefined && (
          <div className={`endpoints-notice is-${notice.tone}`} role="status">
            <span data-testid="endpoints-notice">{notice.message}</span>
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotice(undefined)}>
              ×
            </button>
          </div>
        )}
        <button
          type="button"
          className="button small endpoints-refresh"
          onClick={() => void refresh(detail?.name)}
          data-testid="endpoints-refresh"
        >
          ↻ Refresh
        </button>
      </div>
      {error !== undefined && <div className="callout danger">{error}</div>}
      {overview === undefined && error === undefined && <div className="empty-note">Loading models…</div>}
      {overview?.models.length === 0 && (
        <div className="empty-note endpoints-empty" data-testid="endpoints-empty">
          No models yet. Add a <strong>deploy.endpoint</strong> step after <strong>export.onnx</strong> and run the
          pipeline: the model is registered, and served at <code>/v2/models/&lt;name&gt;</code>.
        </div>
      )}
      {overview !== undefined && overview.models.length > 0 && (
        <div className="endpoints-layout">
          <ModelList
            overview={overview}
            selected={detail?.name}
            openAlerts={alerts.counts}
            onSelect={(name) => {
              setNotice(undefined);
              void refresh(name);
            }}
          />
          {model !== undefined && detail !== undefined && (
            <ModelPanel
              key={detail.name}
              api={session.api}
              model={model}
              detail={detail}
              openAlerts={alerts.counts?.get(detail.name) ?? 0}
              actions={{
                busy,
                onRollback: (alias, from, to) => {
                  if (!window.confirm(`Roll ${alias} of ${detail.name} back from v${from} to v${to}?`)) return;
                  void change(() => session.api.rollbackAlias(detail.name, alias), true);
                },
                onSetAlias: (alias, version) =>
                  void change(() => session.api.setAlias(detail.name, alias, version), false),
                onOpenRun: (runId) => {
                  close(undefined);
                  void session.openRunById(runId);
                },
                onAlertsChanged: () => void alerts.reload(),
              }}
            />
          )}
        </div>
      )}
    </Dialog>
  );
}
