import { nameTokens } from './metrics-layout.ts';

/**
 * The scores a reader looks for first, in that order: a classifier's accuracy, F1, AUC, precision and
 * recall, a regressor's RMSE, MAE and R². Each is matched by its words, with any averaging word left
 * out, so `f1_macro`, `F1 macro` and `f1` are all F1, and `roc_auc` and `auc` are both AUC.
 */
const HEADLINES: ReadonlyArray<readonly string[]> = [
  ['accuracy'],
  ['f1'],
  ['roc_auc', 'auc'],
  ['precision'],
  ['recall'],
  ['rmse'],
  ['mae'],
  ['r2'],
];

const AVERAGING_WORDS = new Set(['macro', 'micro', 'weighted', 'score']);

/** Where a metric goes among the headlines (0 first), or `HEADLINES.length` for every other metric. */
export function headlineRank(name: string): number {
  const words = nameTokens(name.replace(/²/g, '2')).filter((word) => !AVERAGING_WORDS.has(word));
  const key = words.join('_');
  const rank = HEADLINES.findIndex((names) => names.includes(key));
  return rank < 0 ? HEADLINES.length : rank;
}

/**
 * Orders metric names for display: headline scores first (see {@link headlineRank}), then the rest
 * alphabetically, ignoring case, with numbers in numeric order.
 *
 * @example
 * ['latency_ms', 'r2', 'rmse', 'mae'].sort(compareMetricNames); // ['rmse', 'mae', 'r2', 'latency_ms']
 */
export function compareMetricNames(a: string, b: string): number {
  return (
    headlineRank(a) - headlineRank(b) ||
    a.localeCompare(b, 'en', { sensitivity: 'base', numeric: true }) ||
    // Names that differ only in case still get one fixed order.
    (a < b ? -1 : a > b ? 1 : 0)
  );
}

/** Named values (e.g. `Object.entries(metrics)`) in display order: see {@link compareMetricNames}. */
export function orderMetrics<T>(entries: Iterable<readonly [string, T]>): Array<[string, T]> {
  return [...entries].map(([name, value]): [string, T] => [name, value]).sort(([a], [b]) => compareMetricNames(a, b));
}
