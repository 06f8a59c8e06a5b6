import type { Endpoint, ModelEventList, ModelVersion } from '@loom/server/api-types';
import { orderMetrics } from '../runs/previews/metric-order.ts';

export type ModelEvent = ModelEventList['events'][number];

/** One share of an endpoint's traffic, as the view draws it. */
export interface TrafficShare {
  version: number;
  percent: number;
}

/**
 * Where the endpoint's requests go now, largest share first (a canary's main version before the
 * canary). Empty without an endpoint, or while its alias has no version.
 */
export function trafficShares(endpoint: Endpoint | undefined): TrafficShare[] {
  if (endpoint === undefined) return [];
  return endpoint.routes
    .filter((route) => route.percent > 0)
    .map(({ version, percent }) => ({ version, percent }))
    .sort((a, b) => b.percent - a.percent || b.version - a.version);
}

/**
 * The version whose input schema the "Try it" form is built from: the one taking the most traffic (a
 * canary's versions normally share their inputs); undefined when nothing serves.
 */
export function servingVersion(
  endpoint: Endpoint | undefined,
  versions: readonly ModelVersion[],
): ModelVersion | undefined {
  for (const share of trafficShares(endpoint)) {
    const found = versions.find((version) => version.version === share.version);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The share of requests a version takes now, or undefined when the endpoint sends it none. */
export function trafficPercent(endpoint: Endpoint | undefined, version: number): number | undefined {
  return trafficShares(endpoint).find((share) => share.version === version)?.percent;
}

/**
 * A version's gating metrics as a short line: the numbers only (curves and matrices need a chart),
 * headline scores first, at most `limit`, each to 3 significant digits.
 *
 * @example metricsSummary({ rmse: 53.41, r2: 0.4526, curve: { kind: 'curve', … } }) // 'rmse 53.4 · r2 0.453'
 */
export function metricsSummary(metrics: ModelVersion['metrics'], limit = 3): string {
  const numbers = numericMetrics(metrics);
  if (numbers.length === 0) return '—';
  return numbers
    .slice(0, limit)
    .map(([name, value]) => `${name} ${formatMetric(value)}`)
    .join(' · ');
}

/** Every number of a version's metrics, in display order (for a tooltip that shows them all). */
export function numericMetrics(metrics: ModelVersion['metrics']): Array<[string, number]> {
  if (metrics === null) return [];
  const numbers = Object.entries(metrics).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]),
  );
  return orderMetrics(numbers);
}

/** A metric to 3 significant digits, without a float's tail (0.9666666 → 0.967, 1234.5 → 1235). */
export function formatMetric(value: number): string {
  if (value === 0 || Math.abs(value) >= 1000) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

/**
 * One line of a model's history, as people say it.
 *
 * @example describeEvent({ kind: 'alias.moved', alias: 'production', fromVersion: 2, toVersion: 1, rollbackOf: 7, … })
 * // 'production rolled back from v2 to v1'
 */
export function describeEvent(event: ModelEvent): string {
  switch (event.kind) {
    case 'version.registered':
      return `v${event.toVersion ?? '?'} registered`;
    case 'version.deleted':
      return `v${event.fromVersion ?? '?'} deleted`;
    case 'alias.removed':
      return `${event.alias ?? 'alias'} removed (was v${event.fromVersion ?? '?'})`;
    case 'alias.moved':
      if (event.fromVersion === undefined) return `${event.alias ?? 'alias'} set to v${event.toVersion ?? '?'}`;
      return event.rollbackOf === undefined
        ? `${event.alias ?? 'alias'} moved from v${event.fromVersion} to v${event.toVersion ?? '?'}`
        : `${event.alias ?? 'alias'} rolled back from v${event.fromVersion} to v${event.toVersion ?? '?'}`;
    default: {
      const unknown: never = event.kind;
      return String(unknown);
    }
  }
}

/** What a finished rollback or alias move did, for the notice shown after it. */
export function describeAliasMove(
  model: string,
  move: { alias: string; version: number; previousVersion: number | null; moved: boolean },
  rollback: boolean,
): string {
  if (!move.moved) return `${move.alias} already points at v${move.version} of ${model}`;
  if (move.previousVersion === null) return `${move.alias} of ${model} now points at v${move.version}`;
  return rollback
    ? `Rolled ${move.alias} of ${model} back from v${move.previousVersion} to v${move.version}`
    : `Moved ${move.alias} of ${model} from v${move.previousVersion} to v${move.version}`;
}

/**
 * Where a rollback of `alias` would take it, read from the model's history the way the registry reads
 * it: the moves since the alias was last removed, each rollback dropping the move it undid; the last
 * move left came from the target. Undefined when the alias has no earlier version (the server then
 * refuses the rollback), so the view can say so before anyone asks.
 */
export function rollbackTarget(events: readonly ModelEvent[], alias: string): number | undefined {
  const moves: ModelEvent[] = [];
  // The list is newest first; the registry replays it oldest first.
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    if (event.alias !== alias) continue;
    if (event.kind === 'alias.removed') moves.length = 0;
    else if (event.kind !== 'alias.moved') continue;
    else if (event.rollbackOf === undefined) moves.push(event);
    else {
      const undone = moves.findIndex((move) => move.id === event.rollbackOf);
      if (undone >= 0) moves.length = undone;
    }
  }
  return moves.at(-1)?.fromVersion;
}
