import type { MetricPoint } from '@loom/server/api-types';
import { isValidationMetric, nameTokens } from './previews/metrics-layout.ts';

/**
 * The curves a step reports while it runs (each iteration's loss, say: `ctx.metric(name, value, { step })`),
 * as the designer knows them for the step's latest attempt: streamed live, read back from the server
 * after a reload, or both, merged.
 */
export interface StepCurves {
  /**
   * The seq of the `step.queued` event that began the attempt, or 0 when that event was not seen (the
   * page joined the run later): points reported before it belong to an earlier attempt.
   */
  since: number;
  /** In the order they were reported, at most {@link MAX_POINTS_PER_CURVE} of each metric. */
  points: readonly MetricPoint[];
}

/** One curve to draw: a metric's values by the step (iteration, epoch) each was reported at. */
export interface CurveSeries {
  name: string;
  x: number[];
  y: number[];
}

/**
 * Points of each curve the designer keeps; past it, every other point goes. The server thins the
 * curves it sends back to the same number, so a step that trains for a million iterations costs the
 * page no more than one that trains for two thousand.
 */
export const MAX_POINTS_PER_CURVE = 2000;

/** A new attempt's curves, empty: the attempt began with the event numbered `since`. */
export function startAttempt(since: number): StepCurves {
  return { since, points: [] };
}

/**
 * Adds points to a step's curves: those of an earlier attempt (before `since`) are dropped, those
 * already there (the same seq: a live event also read back from the server) are kept once, and the
 * result is in seq order. Returns `current` itself when nothing was added.
 *
 * @example
 * addCurvePoints(startAttempt(4), [{ seq: 5, attempt: 1, name: 'loss', step: 1, value: 0.9 }]).points.length; // 1
 */
export function addCurvePoints(
  current: StepCurves | undefined,
  incoming: readonly MetricPoint[],
  maxPerCurve = MAX_POINTS_PER_CURVE,
): StepCurves {
  const base = current ?? startAttempt(0);
  const fresh = incoming.filter((point) => point.seq > base.since);
  if (fresh.length === 0) return base;
  // Live events come in order, after everything kept: appended. A reply from the server interleaves.
  let previous = base.points.at(-1)?.seq ?? Number.NEGATIVE_INFINITY;
  const inOrder = fresh.every((point) => {
    const after = point.seq > previous;
    previous = point.seq;
    return after;
  });
  let points: MetricPoint[];
  if (inOrder) points = [...base.points, ...fresh];
  else {
    const bySeq = new Map<number, MetricPoint>();
    for (const point of [...base.points, ...fresh]) bySeq.set(point.seq, point);
    points = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
  return { since: base.since, points: thinCurves(points, maxPerCurve) };
}

/**
 * Halves each curve that has more than `maxPerCurve` points (every other point goes, its last one
 * stays), until none has: the shape of the curve is kept, and a curve that goes on growing is thinned
 * now and then rather than on every point.
 */
function thinCurves(points: MetricPoint[], maxPerCurve: number): MetricPoint[] {
  let kept = points;
  for (;;) {
    const counts = new Map<string, number>();
    for (const point of kept) counts.set(point.name, (counts.get(point.name) ?? 0) + 1);
    const over = new Set([...counts].filter(([, count]) => count > maxPerCurve).map(([name]) => name));
    if (over.size === 0) return kept;
    const seen = new Map<string, number>();
    kept = kept.filter((point) => {
      if (!over.has(point.name)) return true;
      const index = seen.get(point.name) ?? 0;
      seen.set(point.name, index + 1);
      return index % 2 === 0 || index === (counts.get(point.name) ?? 0) - 1;
    });
  }
}

/**
 * The curves to draw, one per metric: training losses first, then validation losses, then the rest
 * by name.
 *
 * @example
 * curveSeries(curves).map((series) => series.name); // ['loss', 'validation_loss', 'learning_rate']
 */
export function curveSeries(curves: StepCurves | undefined): CurveSeries[] {
  const byName = new Map<string, CurveSeries>();
  for (const point of curves?.points ?? []) {
    let series = byName.get(point.name);
    if (series === undefined) {
      series = { name: point.name, x: [], y: [] };
      byName.set(point.name, series);
    }
    series.x.push(point.step);
    series.y.push(point.value);
  }
  return [...byName.values()].sort((a, b) => curveRank(a.name) - curveRank(b.name) || compareNames(a.name, b.name));
}

function curveRank(name: string): number {
  if (!nameTokens(name).some((token) => token.endsWith('loss'))) return 2;
  return isValidationMetric(name) ? 1 : 0;
}

function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { sensitivity: 'base', numeric: true });
}
