import type { DriftReport, FeatureDrift } from './drift-report.ts';

function addFeature(metrics: Record<string, number>, feature: FeatureDrift): void {
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
 * A report's numbers by name, as monitor rules and metric gates read them: `rows`, `drift_share`,
 * `drifted_features`, `dataset_drift` (0/1), `prediction_drift` and `prediction_drifted`, and per feature
 * `drift_score:<f>`, `drifted:<f>`, `null_rate:<f>`, `psi:<f>` and `out_of_range:<f>` (numbers),
 * `unseen:<f>` (categories, when decidable). A report without data has only `rows`: "no data" must never
 * read as zero drift.
 */
export function driftReportMetrics(report: DriftReport): Record<string, number> {
  const metrics: Record<string, number> = { rows: report.rows };
  if (report.status === 'no_data') return metrics;
  metrics.drift_share = report.driftedShare;
  metrics.drifted_features = report.driftedCount;
  metrics.dataset_drift = report.datasetDrift ? 1 : 0;
  const prediction = report.prediction;
  if (prediction !== null && prediction.kind !== 'missing') {
    if (prediction.score !== null) metrics.prediction_drift = prediction.score;
    metrics.prediction_drifted = prediction.drifted ? 1 : 0;
  }
  for (const feature of report.features) addFeature(metrics, feature);
  return metrics;
}
