import { useState } from 'react';
import type { LoomApi } from '../api/loom-api.ts';
import { AliasControls } from './AliasControls.tsx';
import type { ModelDetail, ModelSummary } from './endpoints-data.ts';
import { ModelHistory } from './ModelHistory.tsx';
import { MonitorsPanel } from './MonitorsPanel.tsx';
import { servingVersion, trafficShares } from './model-facts.ts';
import { OpenAlertsBadge } from './OpenAlertsBadge.tsx';
import { TrafficBar } from './TrafficBar.tsx';
import { TrafficCharts } from './TrafficCharts.tsx';
import { TryIt } from './TryIt.tsx';
import { VersionsTable } from './VersionsTable.tsx';

export type ModelTab = 'versions' | 'try' | 'traffic' | 'monitoring' | 'history';

const TABS: Array<{ id: ModelTab; title: string }> = [
  { id: 'versions', title: 'Versions' },
  { id: 'try', title: 'Try it' },
  { id: 'traffic', title: 'Traffic' },
  { id: 'monitoring', title: 'Monitoring' },
  { id: 'history', title: 'History' },
];

export interface ModelActions {
  busy: boolean;
  onRollback: (alias: string, from: number, to: number) => void;
  onSetAlias: (alias: string, version: number) => void;
  onOpenRun: (runId: string) => void;
  /** An alert was resolved or a monitor changed: the open-alert badges read again. */
  onAlertsChanged?: () => void;
}

/** One model: its endpoint and traffic split, then its versions and aliases, "Try it", its traffic charts, or its history. */
export function ModelPanel({
  api,
  model,
  detail,
  actions,
  openAlerts = 0,
}: {
  api: LoomApi;
  model: ModelSummary;
  detail: ModelDetail;
  actions: ModelActions;
  /** The model's open alerts, counted on the Monitoring tab. @default 0 */
  openAlerts?: number;
}) {
  const [tab, setTab] = useState<ModelTab>('versions');
  const serving = servingVersion(detail.endpoint, detail.versions);
  return (
    <div className="model-panel" data-testid="model-panel">
      <div className="model-header">
        <div>
          <h3 className="model-title" data-testid="model-title">
            {model.name}
          </h3>
          {model.description !== '' && <p className="inspector-description">{model.description}</p>}
        </div>
      </div>
      <EndpointSummary api={api} detail={detail} />
      <div className="tabs model-tabs" role="tablist">
        {TABS.map(({ id, title }) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={`tab${tab === id ? ' is-active' : ''}`}
            onClick={() => setTab(id)}
            data-testid={`model-tab-${id}`}
          >
            {title}
            {id === 'monitoring' && <OpenAlertsBadge count={openAlerts} />}
          </button>
        ))}
      </div>
      {tab === 'versions' && (
        <>
          <AliasControls
            model={model}
            versions={detail.versions}
            events={detail.events}
            endpoint={detail.endpoint}
            busy={actions.busy}
            onRollback={actions.onRollback}
            onSetAlias={actions.onSetAlias}
          />
          <section className="model-section" aria-label="Versions">
            <h3 className="panel-section-title">Versions</h3>
            <VersionsTable versions={detail.versions} endpoint={detail.endpoint} onOpenRun={actions.onOpenRun} />
          </section>
        </>
      )}
      {tab === 'try' &&
        (serving === undefined ? (
          <div className="empty-note" data-testid="try-it-unavailable">
            Nothing serves {model.name} yet: it needs an endpoint whose alias points at a version (a deploy.endpoint
            step sets both).
          </div>
        ) : (
          // A new serving version brings its own inputs: the form starts again from them.
          <TryIt key={`${model.name}@${serving.version}`} api={api} model={model.name} version={serving} />
        ))}
      {tab === 'traffic' && <TrafficCharts api={api} model={model.name} />}
      {tab === 'monitoring' && (
        <MonitorsPanel
          api={api}
          model={model.name}
          versions={detail.versions}
          onOpenRun={actions.onOpenRun}
          onAlertsChanged={actions.onAlertsChanged ?? (() => undefined)}
        />
      )}
      {tab === 'history' && <ModelHistory events={detail.events} />}
    </div>
  );
}

/** Where the endpoint is, which alias it serves, and the split of its traffic. */
export function EndpointSummary({ api, detail }: { api: Pick<LoomApi, 'inferUrl'>; detail: ModelDetail }) {
  const { endpoint } = detail;
  if (endpoint === undefined)
    return (
      <div className="callout endpoint-summary" data-testid="endpoint-summary">
        No endpoint serves this model. A deploy.endpoint step creates one (or{' '}
        <code>PUT /api/endpoints/{detail.name}</code>).
      </div>
    );
  return (
    <div className="callout endpoint-summary" data-testid="endpoint-summary">
      <div className="endpoint-line">
        <span className="field-label">Endpoint</span>
        <code>POST {api.inferUrl(detail.name)}</code>
        <span className="pick-meta">
          serves <strong>{endpoint.alias}</strong>
          {endpoint.traffic.length > 0 && ' with a traffic split'}
        </span>
      </div>
      <TrafficBar shares={trafficShares(endpoint)} />
    </div>
  );
}
