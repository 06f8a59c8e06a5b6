import { InferencePool } from '@loom/serving';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram } from 'prom-client';
import { ParquetRequestLog } from '../request-log/parquet-request-log.ts';
import { type ModelServerOptions, sampleRateOf } from './model-server-options.ts';
import { modelServerRoutes } from './model-server-routes.ts';
import { ServingTable } from './serving-table.ts';

/** Inference latencies span well under a millisecond (one row) to seconds (a big batch on a busy pool). */
const INFERENCE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/**
 * `loom-model-server`: serves the registry's endpoints under `/v2` (see `modelServerRoutes`) from an
 * inference pool that a {@link ServingTable} keeps in line with the store, and decorates
 * `fastify.modelServing` with that table, so routes that change aliases or endpoints can call
 * `fastify.modelServing?.notify()`. The first sync starts when the app is ready; it does not hold up
 * listening (`/v2/health/ready` says when it is done). Closing the app closes the pool. With
 * `loom-metrics`, counts and times inferences.
 */
export const modelServerPlugin = fp<{ settings: ModelServerOptions }>(
  async (fastify, { settings }) => {
    const table = new ServingTable({
      store: fastify.store,
      artifacts: fastify.artifacts,
      createPool: () =>
        new InferencePool({
          ...(settings.threads === undefined ? {} : { size: settings.threads }),
          ...(settings.maxQueue === undefined ? {} : { maxQueue: settings.maxQueue }),
        }),
      ...(settings.pollIntervalMs === undefined ? {} : { pollIntervalMs: settings.pollIntervalMs }),
      log: fastify.log,
    });
    fastify.decorate('modelServing', table);
    fastify.addHook('onReady', async () => {
      void table.start();
    });
    // Registered after the store, so it runs before the store closes (onClose runs in reverse order).
    fastify.addHook('onClose', async () => table.close());

    if (fastify.hasDecorator('loomMetrics')) {
      const { registry } = fastify.loomMetrics;
      const requests = new Counter({
        name: 'loom_inference_requests_total',
        help: 'Infer requests answered, by model, version (empty when none was chosen) and status code.',
        labelNames: ['model', 'version', 'code'],
        registers: [registry],
      });
      const duration = new Histogram({
        name: 'loom_inference_duration_seconds',
        help: 'Time to answer infer requests that succeeded, by model and version.',
        labelNames: ['model', 'version'],
        buckets: INFERENCE_BUCKETS,
        registers: [registry],
      });
      new Gauge({
        name: 'loom_model_versions_serving',
        help: 'Versions taking requests, by model.',
        labelNames: ['model'],
        registers: [registry],
        collect() {
          this.reset();
          for (const endpoint of table.endpoints()) this.set({ model: endpoint.model }, endpoint.routes.length);
        },
      });
      fastify.addHook('onResponse', async (request, reply) => {
        if (!request.routeOptions.url?.startsWith('/v2/models/') || !request.routeOptions.url.endsWith('/infer'))
          return;
        const name = (request.params as { name?: string }).name ?? '';
        // Only names with an endpoint become label values: any text can be sent as a model name.
        const model = table.endpoint(name) === undefined ? '' : name;
        const version = String(reply.getHeader('x-loom-model-version') ?? '');
        requests.inc({ model, version, code: String(reply.statusCode) });
        if (reply.statusCode === 200) duration.observe({ model, version }, reply.elapsedTime / 1000);
      });
    }

    // The default log writes Parquet under the home; DuckDB loads only at its first write.
    let requestLog = settings.requestLog;
    if (requestLog === undefined) {
      const { requestLogSampleRate } = settings;
      const parquet = new ParquetRequestLog({
        home: fastify.config.home,
        sampleRate: (model) => sampleRateOf(requestLogSampleRate, model),
        ...(fastify.hasDecorator('loomMetrics') ? { metricsRegistry: fastify.loomMetrics.registry } : {}),
        logger: fastify.log,
      });
      // Added after the table's hook, so it runs first: what was answered before the close is written.
      fastify.addHook('onClose', async () => parquet.close());
      requestLog = parquet;
    }

    await fastify.register(modelServerRoutes, {
      table,
      ...(settings.maxRowsPerRequest === undefined ? {} : { maxRowsPerRequest: settings.maxRowsPerRequest }),
      ...(settings.bodyLimit === undefined ? {} : { bodyLimit: settings.bodyLimit }),
      ...(requestLog === false ? {} : { requestLog }),
    });
  },
  { name: 'loom-model-server', fastify: '5.x', dependencies: ['loom-config', 'loom-store', 'loom-artifacts'] },
);
