import { type DriftReport, driftReportMetrics, invertedCdf } from '@loom/drift';

/**
 * The numbers of a window that rules read and charts draw, by name (see `WINDOW_METRICS` and
 * `FEATURE_METRICS` in monitor-rules.ts): the drift report's, with `rows` counting every version's rows,
 * and the latency percentiles. A window without data has only `rows`.
 */
export function windowMetrics(report: DriftReport, rows: number, latencyMs: Float64Array): Record<string, number> {
  const metrics: Record<string, number> = { ...driftReportMetrics(report), rows };
  if (report.status === 'no_data' || latencyMs.length === 0) return metrics;
  const sorted = Float64Array.from(latencyMs).sort();
  metrics.latency_p50_ms = invertedCdf(sorted, 0.5);
  metrics.latency_p99_ms = invertedCdf(sorted, 0.99);
  return metrics;
}
