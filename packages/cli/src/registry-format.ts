// How the model registry reads in a table. Types only from the server, so the commands that read the
// registry over HTTP (`loom remote deploy-status`) share these words without loading the store.
import type { Endpoint, ModelSummary, TrafficShare } from '@loom/server/store';

/** `v2 90%, v3 10%`: where an endpoint's requests go. */
export function describeRoutes(routes: readonly TrafficShare[]): string {
  return routes.map((share) => `v${share.version} ${share.percent}%`).join(', ');
}

/** `production → v2, staging → v3`. */
export function describeAliases(model: Pick<ModelSummary, 'aliases'>): string {
  return model.aliases.map((a) => `${a.alias} → v${a.version}`).join(', ');
}

/** `production: v2 90%, v3 10% (canary)`, or `production: v2 100%` when it follows its alias. */
export function describeEndpoint(endpoint: Pick<Endpoint, 'alias' | 'routes' | 'traffic'>): string {
  const split = endpoint.traffic.length > 0 ? ' (canary split)' : '';
  return `${endpoint.alias}: ${describeRoutes(endpoint.routes)}${split}`;
}

/** `2026-12-07 09:15Z`: a stored ISO time to the minute, for tables. */
export function shortTime(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')}Z`;
}
