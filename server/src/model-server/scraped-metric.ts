import type { Metric, Registry } from 'prom-client';

/** One sample of a metric: its labels and value, and for a histogram's parts the `_bucket`/`_sum`/`_count` name. */
export interface ScrapedValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** What {@link registerScrapedMetric} needs: the metric's description and how to read its samples. */
export interface ScrapedMetricOptions {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  /** Called at each scrape: the samples as they are now. */
  values(): ScrapedValue[];
}

/**
 * Registers a metric whose samples are read from the caller's own counts at scrape time, on the
 * registry prom-client's own metrics are on (same text, same `getSingleMetric`). It exists for the
 * per-request path: prom-client hashes the label set on every `inc()`/`observe()` (about 1 µs each,
 * measured), while a caller that keeps counts per model version in plain arrays pays a few
 * nanoseconds and hands them over only when Prometheus asks.
 *
 * @example
 * registerScrapedMetric(registry, {
 *   name: 'loom_inference_requests_in_flight', help: 'Infer requests being answered, by model.', type: 'gauge',
 *   values: () => [...inFlight].map(([model, value]) => ({ labels: { model }, value })),
 * });
 */
export function registerScrapedMetric(registry: Registry, options: ScrapedMetricOptions): void {
  const { name, help, type } = options;
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum' as const,
    get: async () => ({ name, help, type, values: options.values(), aggregator: 'sum' as const }),
    // The counts belong to their owner; a registry reset has nothing of its own to clear.
    reset: () => undefined,
  };
  // The registry reads `name`, `help`, `type`, `get()` and `reset()` of a metric; its typings list only its own classes.
  registry.registerMetric(metric as unknown as Metric);
}

/**
 * A histogram's counts in fixed buckets, as Prometheus reads them: `observe()` finds the bucket by a
 * linear scan (a dozen bounds) and adds to it; {@link histogramValues} turns them into cumulative
 * `_bucket`, `_sum` and `_count` samples.
 */
export class BucketCounts {
  /** Per bucket (the last one past every bound, `+Inf`), not cumulative. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    (this.counts as Float64Array)[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

/** The Prometheus samples of one labelled histogram. */
export function histogramValues(name: string, labels: Record<string, string>, counts: BucketCounts): ScrapedValue[] {
  const values: ScrapedValue[] = [];
  let cumulative = 0;
  counts.bounds.forEach((bound, i) => {
    cumulative += counts.counts[i] as number;
    values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: bound }, value: cumulative });
  });
  values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: counts.count });
  values.push({ metricName: `${name}_sum`, labels, value: counts.sum });
  values.push({ metricName: `${name}_count`, labels, value: counts.count });
  return values;
}
