import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import './plugins/decorators.ts';
import { modelServerPlugin } from './model-server/model-server-plugin.ts';
import { monitorsPlugin } from './monitors/monitors-plugin.ts';
import { artifactsPlugin } from './plugins/artifacts-plugin.ts';
import { authPlugin } from './plugins/auth-plugin.ts';
import { configPlugin, resolveConfig } from './plugins/config-plugin.ts';
import { designerPlugin } from './plugins/designer-plugin.ts';
import { docsPlugin } from './plugins/docs-plugin.ts';
import { errorsPlugin } from './plugins/errors-plugin.ts';
import { metricsPlugin } from './plugins/metrics-plugin.ts';
import { requestGuardPlugin } from './plugins/request-guard-plugin.ts';
import { storePlugin } from './plugins/store-plugin.ts';
import { typeBoxValidatorCompiler } from './plugins/validation.ts';
import { artifactRoutes } from './routes/artifacts.ts';
import { compileRoutes } from './routes/compile.ts';
import { dataColumnRoutes } from './routes/data-columns.ts';
import { dataFileRoutes } from './routes/data-files.ts';
import { deploymentRoutes } from './routes/deployments.ts';
import { endpointStatsRoutes } from './routes/endpoint-stats.ts';
import { endpointRoutes } from './routes/endpoints.ts';
import { exampleRoutes } from './routes/examples.ts';
import { guideRoutes } from './routes/guides.ts';
import { healthRoutes } from './routes/health.ts';
import { hookRoutes } from './routes/hooks.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { modelRoutes } from './routes/models.ts';
import { monitorRoutes } from './routes/monitors.ts';
import { nodeRoutes } from './routes/nodes.ts';
import { pipelineRoutes } from './routes/pipelines.ts';
import { runEventRoutes } from './routes/run-events.ts';
import { runRoutes } from './routes/runs.ts';
import { trafficRoutes } from './routes/traffic.ts';
import { triggerRoutes } from './routes/triggers.ts';
import { runsPlugin } from './runs/runs-plugin.ts';
import { SHARED_SCHEMAS } from './schemas/common.ts';
import type { ServerOptions } from './server-options.ts';
import { triggersPlugin } from './triggers/triggers-plugin.ts';

/**
 * Builds the Loom server: infrastructure plugins (`loom-config`, `loom-errors`, `loom-docs`,
 * `loom-store`, `loom-artifacts`, `loom-metrics`, `loom-request-guard`, `loom-auth`, `loom-runs`, `loom-triggers`, `loom-designer`,
 * `loom-model-server` unless `modelServer` is false), then the routes. It does not listen (`startServer` does);
 * tests call `app.inject()`. Close the app to close the store, stop the runs and the inference threads.
 *
 * @throws when `host` is not loopback and no `apiToken` is set: such a server would let anyone who
 *   reaches it run pipelines on this machine.
 * @example
 * const app = await buildApp({ registry, home: '.loom', dataRoots: ['.'], host: '127.0.0.1' });
 * const reply = await app.inject({ method: 'GET', url: '/api/nodes' });
 */
export async function buildApp(options: ServerOptions): Promise<FastifyInstance> {
  const config = resolveConfig(options);
  const app = Fastify({
    logger: config.logger,
    bodyLimit: config.bodyLimit,
    // Event streams never go idle: without this, closing the app would wait for every watcher to leave.
    forceCloseConnections: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(typeBoxValidatorCompiler);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  await app.register(configPlugin, { config });
  await app.register(errorsPlugin);
  await app.register(docsPlugin);
  await app.register(storePlugin);
  await app.register(artifactsPlugin);
  await app.register(metricsPlugin);
  await app.register(requestGuardPlugin);
  await app.register(authPlugin);
  await app.register(runsPlugin);
  await app.register(triggersPlugin);
  await app.register(designerPlugin);
  await app.register(monitorsPlugin);
  if (options.modelServer !== false) await app.register(modelServerPlugin, { settings: options.modelServer ?? {} });

  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(nodeRoutes);
  await app.register(dataFileRoutes);
  await app.register(exampleRoutes);
  await app.register(dataColumnRoutes);
  await app.register(compileRoutes);
  await app.register(pipelineRoutes);
  await app.register(artifactRoutes);
  await app.register(modelRoutes);
  await app.register(deploymentRoutes);
  await app.register(trafficRoutes);
  await app.register(endpointRoutes);
  await app.register(endpointStatsRoutes);
  await app.register(monitorRoutes);
  await app.register(runRoutes);
  await app.register(runEventRoutes);
  await app.register(triggerRoutes);
  await app.register(hookRoutes);
  await app.register(guideRoutes);
  return app;
}
