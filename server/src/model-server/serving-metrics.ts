import type { InferTiming } from '@loom/serving';
import type { Registry } from 'prom-client';
import { EndpointSeries, type SeriesPoints, type SeriesRange } from './endpoint-series.ts';
import { BucketCounts, histogramValues, registerScrapedMetric, type ScrapedValue } from './scraped-metric.ts';
import type { ServingTable } from './serving-table.ts';

/** Request latencies: from a queue wait of 0.1 ms to a big batch on a busy pool (seconds). */
export const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
/** Rows per request: one row (an online call) to the default cap of 10,000. */
export const ROWS_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000];

/** Read for models without traffic; nothing records into it. Made at its first read: a series is about 1 MB. */
let emptySeries: EndpointSeries | undefined;

/** What the infer route learns of a request once its version is chosen; the pool fills in `timing`. */
export interface InferenceFacts {
  /** The endpoint's model name. */
  model: string;
  version: number;
  /** The version's pool key (`iris@3`): the counts' key, a string the table has already built. */
  key: string;
  /** Rows in the request, once decoded; 0 before. */
  rows: number;
  /** NaN until the pool has run the request. */
  timing: InferTiming;
}

/** Infer requests of one model being answered now. */
export interface InFlight {
  inFlight: number;
}

interface VersionCounts {
  model: string;
  /** The label value: the version number, or '' for requests refused before one was chosen. */
  version: string;
  /** Requests by status code. */
  codes: Map<number, number>;
  duration: BucketCounts;
  queue: BucketCounts;
  compute: BucketCounts;
  rows: BucketCounts;
}

/** Options of {@link ServingMetrics}. */
export interface ServingMetricsOptions {
  /** The table whose endpoints and loaded versions the gauges read at scrape time. */
  table: Pick<ServingTable, 'endpoints' | 'loaded'>;
  /** Where the metrics are served from; without one, they are counted but not exposed. */
  registry?: Registry;
}

/**
 * The model server's Prometheus metrics, named as KServe and Triton users chart them (see the README's
 * model server section). The counts per request go into plain arrays per model version, which the
 * registry reads at scrape time, so that answering a request costs a map lookup and a few additions
 * rather than prom-client's label hashing for each of five metrics. The same answers feed each
 * endpoint's {@link EndpointSeries}, which the designer charts (`GET /api/endpoints/:model/stats`).
 *
 * @example
 * const metrics = new ServingMetrics({ table, registry: app.loomMetrics.registry });
 * const model = metrics.inFlight('iris');
 * model.inFlight++;
 * // …answer it, then:
 * model.inFlight--;
 * metrics.answered('iris', facts, 200, reply.elapsedTime / 1000);
 */
export class ServingMetrics {
  readonly #versions = new Map<string, VersionCounts>();
  readonly #models = new Map<string, InFlight>();
  /** Per endpoint's model, its traffic over the last hour and day. */
  readonly #series = new Map<string, EndpointSeries>();

  constructor(options: ServingMetricsOptions) {
    if (options.registry !== undefined) this.#register(options.registry, options.table);
  }

  /** The in-flight count of an endpoint's model, for the route to raise and lower around a request. */
  inFlight(model: string): InFlight {
    let counts = this.#models.get(model);
    if (counts === undefined) {
      counts = { inFlight: 0 };
      this.#models.set(model, counts);
    }
    return counts;
  }

  /**
   * Counts one answered infer request. `model` is the endpoint's name, or '' when the name has no
   * endpoint (any text can be sent as a model name: it must not become a label value); `facts` are
   * there once the route chose a version. Latencies and rows are recorded for 200s only.
   */
  answered(model: string, facts: InferenceFacts | null, code: number, seconds: number): void {
    if (model !== '') this.#seriesOf(model).record(Date.now(), code, seconds * 1000);
    const counts = this.#versionCounts(facts?.key ?? `${model}@`, model, facts === null ? '' : String(facts.version));
    counts.codes.set(code, (counts.codes.get(code) ?? 0) + 1);
    if (code !== 200) return;
    counts.duration.observe(seconds);
    if (facts === null) return;
    counts.rows.observe(facts.rows);
    const { queueMs, inferenceMs } = facts.timing;
    if (!Number.isNaN(queueMs)) counts.queue.observe(queueMs / 1000);
    if (!Number.isNaN(inferenceMs)) counts.compute.observe(inferenceMs / 1000);
  }

  /** A model's traffic slots of `range` up to `nowMs`: zeros for a model that has had none. */
  series(model: string, range: SeriesRange, nowMs: number): SeriesPoints {
    const series = this.#series.get(model);
    if (series !== undefined) return series.read(range, nowMs);
    emptySeries ??= new EndpointSeries();
    return emptySeries.read(range, nowMs);
  }

  #seriesOf(model: string): EndpointSeries {
    let series = this.#series.get(model);
    if (series === undefined) {
      series = new EndpointSeries();
      this.#series.set(model, series);
    }
    return series;
  }

  #versionCounts(key: string, model: string, version: string): VersionCounts {
    let counts = this.#versions.get(key);
    if (counts === undefined) {
      counts = {
        model,
        version,
        codes: new Map(),
        duration: new BucketCounts(LATENCY_BUCKETS),
        queue: new BucketCounts(LATENCY_BUCKETS),
        compute: new BucketCounts(LATENCY_BUCKETS),
        rows: new BucketCounts(ROWS_BUCKETS),
      };
      this.#versions.set(key, counts);
    }
    return counts;
  }

  #register(registry: Registry, table: ServingMetricsOptions['table']): void {
    const versions = () => [...this.#versions.values()];
    const histogram = (name: string, help: string, pick: (counts: VersionCounts) => BucketCounts) =>
      registerScrapedMetric(registry, {
        name,
        help,
        type: 'histogram',
        values: () =>
          versions()
            .filter((counts) => pick(counts).count > 0)
            .flatMap((counts) => histogramValues(name, { model: counts.model, version: counts.version }, pick(counts))),
      });
    registerScrapedMetric(registry, {
      name: 'loom_inference_requests_total',
      help: 'Infer requests answered, by model, version (empty when none was chosen) and status code.',
      type: 'counter',
      values: () =>
        versions().flatMap((counts) =>
          [...counts.codes].map(
            ([code, value]): ScrapedValue => ({
              labels: { model: counts.model, version: counts.version, code: String(code) },
              value,
            }),
          ),
        ),
    });
    histogram(
      'loom_inference_duration_seconds',
      'Time to answer infer requests that succeeded (total: from the request arriving to the reply), by model and version.',
      (counts) => counts.duration,
    );
    histogram(
      'loom_inference_queue_duration_seconds',
      'Time infer requests that succeeded waited for a free inference thread, by model and version.',
      (counts) => counts.queue,
    );
    histogram(
      'loom_inference_compute_duration_seconds',
      'Time the inference thread took for infer requests that succeeded (onnxruntime and the hand-over; a batched request counts its batch), by model and version.',
      (counts) => counts.compute,
    );
    histogram(
      'loom_inference_request_rows',
      'Rows per infer request that succeeded, by model and version.',
      (counts) => counts.rows,
    );
    registerScrapedMetric(registry, {
      name: 'loom_inference_requests_in_flight',
      help: 'Infer requests being answered now (decoded, queued or running), by model.',
      type: 'gauge',
      values: () => [...this.#models].map(([model, counts]) => ({ labels: { model }, value: counts.inFlight })),
    });
    registerScrapedMetric(registry, {
      name: 'loom_model_versions_serving',
      help: 'Versions taking requests, by model.',
      type: 'gauge',
      values: () =>
        table.endpoints().map((endpoint) => ({ labels: { model: endpoint.model }, value: endpoint.routes.length })),
    });
    registerScrapedMetric(registry, {
      name: 'loom_model_load_duration_seconds',
      help: 'Time each loaded version took to load: reading its ONNX file, then loading and warming it in every inference thread.',
      type: 'gauge',
      values: () =>
        table.loaded().map((served) => ({
          labels: { model: served.model, version: String(served.version) },
          value: served.loadSeconds,
        })),
    });
  }
}
