import type { Endpoint } from '@loom/server/api-types';
import type { EndpointsOverview } from './endpoints-data.ts';
import { trafficShares } from './model-facts.ts';
import { OpenAlertsBadge } from './OpenAlertsBadge.tsx';
import { describeShares } from './TrafficBar.tsx';

/** The registered models, each with what its endpoint serves; choosing one shows it beside the list. */
export function ModelList({
  overview,
  selected,
  onSelect,
  openAlerts,
}: {
  overview: EndpointsOverview;
  selected: string | undefined;
  onSelect: (name: string) => void;
  /** Open alerts per model: a badge on each model that has some. */
  openAlerts?: ReadonlyMap<string, number> | undefined;
}) {
  return (
    <ul className="model-list" aria-label="Models">
      {overview.models.map((model) => (
        <li key={model.name}>
          <button
            type="button"
            className={`model-item${model.name === selected ? ' is-active' : ''}`}
            aria-current={model.name === selected ? 'true' : undefined}
            onClick={() => onSelect(model.name)}
            data-testid={`model-item-${model.name}`}
          >
            <span className="model-item-name">
              {model.name}
              <OpenAlertsBadge count={openAlerts?.get(model.name) ?? 0} />
            </span>
            <span className="pick-meta">
              {model.versionCount} version{model.versionCount === 1 ? '' : 's'}
              {model.latestVersion !== null && ` · latest v${model.latestVersion}`}
            </span>
            <span className="model-item-state">{endpointState(overview.endpoints.get(model.name))}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** What a model's endpoint does now, in a few words. */
export function endpointState(endpoint: Endpoint | undefined): string {
  if (endpoint === undefined) return 'no endpoint';
  const shares = trafficShares(endpoint);
  if (shares.length === 0) return `${endpoint.alias}: nothing serves`;
  if (shares.length === 1) return `serving v${shares[0]?.version} (${endpoint.alias})`;
  return `canary: ${describeShares(shares)}`;
}
