import type { DriftReport, FeatureDrift } from '@loom/drift';

/** The value at probability `p` of unsorted latencies (nearest rank); NaN when there are none. */
function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}

function featureMetrics(metrics: Record<string, number>, feature: FeatureDrift): void {
  if (feature.kind === 'missing') return;
  const name = feature.name;
  if (feature.score !== null) metrics[`drift_score:${name}`] = feature.score;
  metrics[`drifted:${name}`] = feature.drifted ? 1 : 0;
  metrics[`null_rate:${name}`] = feature.quality.nullRate;
  if (feature.kind === 'number') {
    if (feature.psi !== null) metrics[`psi:${name}`] = feature.psi;
    metrics[`out_of_range:${name}`] = feature.quality.outOfRangeShare;
  } else if (feature.quality.unseenShare !== null) {
    metrics[`unseen:${name}`] = feature.quality.unseenShare;
  }
}

/**
 * The numbers of a window that rules read and charts draw, by name (see `WINDOW_METRICS` and
 * `FEATURE_METRICS` in monitor-rules.ts). A window without data has only `rows`: "no data" must never
 * read as zero drift.
 */
export function windowMetrics(report: DriftReport, rows: number, latencyMs: Float64Array): Record<string, number> {
  const metrics: Record<string, number> = { rows };
  if (report.status === 'no_data') return metrics;
  metrics.drift_share = report.driftedShare;
  metrics.drifted_features = report.driftedCount;
  metrics.dataset_drift = report.datasetDrift ? 1 : 0;
  const prediction = report.prediction;
  if (prediction !== null && prediction.kind !== 'missing') {
    if (prediction.score !== null) metrics.prediction_drift = prediction.score;
    metrics.prediction_drifted = prediction.drifted ? 1 : 0;
  }
  for (const feature of report.features) featureMetrics(metrics, feature);
  const p50 = percentile(latencyMs, 0.5);
  if (!Number.isNaN(p50)) {
    metrics.latency_p50_ms = p50;
    metrics.latency_p99_ms = percentile(latencyMs, 0.99);
  }
  return metrics;
}
