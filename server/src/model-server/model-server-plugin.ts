import { InferencePool } from '@loom/serving';
import fp from 'fastify-plugin';
import { ParquetRequestLog } from '../request-log/parquet-request-log.ts';
import { type ModelServerOptions, sampleRateOf } from './model-server-options.ts';
import { modelServerRoutes } from './model-server-routes.ts';
import { pinnedServingStore } from './serve-pin.ts';
import { ServingMetrics } from './serving-metrics.ts';
import { ServingTable } from './serving-table.ts';

/**
 * `loom-model-server`: serves the registry's endpoints under `/v2` (see `modelServerRoutes`) from an
 * inference pool that a {@link ServingTable} keeps in line with the store, and decorates
 * `fastify.modelServing` with that table, so routes that change aliases or endpoints can call
 * `fastify.modelServing?.notify()`. The first sync starts when the app is ready; it does not hold up
 * listening (`/v2/health/ready` says when it is done). Closing the app closes the pool. With
 * `loom-metrics`, `/metrics` serves the model server's metrics (see {@link ServingMetrics}).
 */
export const modelServerPlugin = fp<{ settings: ModelServerOptions }>(
  async (fastify, { settings }) => {
    const table = new ServingTable({
      store: settings.pin === undefined ? fastify.store : pinnedServingStore(fastify.store, settings.pin),
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

    const metrics = new ServingMetrics({
      table,
      ...(fastify.hasDecorator('loomMetrics') ? { registry: fastify.loomMetrics.registry } : {}),
    });
    fastify.decorate('modelServingMetrics', metrics);

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
      metrics,
    });
  },
  { name: 'loom-model-server', fastify: '5.x', dependencies: ['loom-config', 'loom-store', 'loom-artifacts'] },
);
