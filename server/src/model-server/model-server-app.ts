import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NodeRegistry } from '@loom/sdk';
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import '../plugins/decorators.ts';
import { artifactsPlugin } from '../plugins/artifacts-plugin.ts';
import { authPlugin } from '../plugins/auth-plugin.ts';
import { configPlugin, resolveConfig } from '../plugins/config-plugin.ts';
import { docsPlugin } from '../plugins/docs-plugin.ts';
import { errorsPlugin } from '../plugins/errors-plugin.ts';
import { metricsPlugin } from '../plugins/metrics-plugin.ts';
import { requestGuardPlugin } from '../plugins/request-guard-plugin.ts';
import { storePlugin } from '../plugins/store-plugin.ts';
import { typeBoxValidatorCompiler } from '../plugins/validation.ts';
import { endpointStatsRoutes } from '../routes/endpoint-stats.ts';
import { metricsRoutes } from '../routes/metrics.ts';
import { SHARED_SCHEMAS } from '../schemas/common.ts';
import type { ServerOptions } from '../server-options.ts';
import { type ModelServerOptions, requestLogSettingsFromEnv } from './model-server-options.ts';
import { modelServerPlugin } from './model-server-plugin.ts';
import { servePinFromEnv } from './serve-pin.ts';

/** How `loom serve` is set up: the parts of {@link ServerOptions} a model server uses, and its own. */
export type ModelServerAppOptions = Pick<
  ServerOptions,
  'home' | 'host' | 'apiToken' | 'allowedHosts' | 'allowedOrigins' | 'bodyLimit' | 'logger'
> & {
  modelServer?: ModelServerOptions;
};

/**
 * Completes `loom serve`'s options from the environment as `resolveServerOptions` does for `loom
 * start`: `LOOM_HOME` (default `./.loom`), `LOOM_API_TOKEN`, `LOOM_ALLOWED_HOSTS` and
 * `LOOM_ALLOWED_ORIGINS` (comma-separated), `LOOM_REQUEST_LOG` and `LOOM_REQUEST_LOG_SAMPLE`,
 * `LOOM_SERVE_MODEL` and `LOOM_SERVE_ROUTES` (a pin: one model's given versions, see `ServePin`). Options given explicitly win; an empty variable is unset.
 *
 * @example
 * const options = resolveModelServerOptions({ host: '0.0.0.0', modelServer: { threads: 4 } }, process.env);
 */
export function resolveModelServerOptions(
  given: Partial<ModelServerAppOptions>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ModelServerAppOptions {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const list = (name: string) =>
    read(name)
      ?.split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  const options: ModelServerAppOptions = {
    ...given,
    home: given.home ?? read('LOOM_HOME') ?? './.loom',
    host: given.host ?? '127.0.0.1',
  };
  const apiToken = given.apiToken ?? read('LOOM_API_TOKEN');
  if (apiToken !== undefined) options.apiToken = apiToken;
  const allowedHosts = given.allowedHosts ?? list('LOOM_ALLOWED_HOSTS');
  if (allowedHosts !== undefined) options.allowedHosts = allowedHosts;
  const allowedOrigins = given.allowedOrigins ?? list('LOOM_ALLOWED_ORIGINS');
  if (allowedOrigins !== undefined) options.allowedOrigins = allowedOrigins;
  if (given.modelServer === undefined) {
    const logging = requestLogSettingsFromEnv(read);
    if (Object.keys(logging).length > 0) options.modelServer = logging;
  }
  // Read even beside given model-server options (`loom serve --threads`): a pod's pin is in its environment.
  if (given.modelServer?.pin === undefined) {
    const pin = servePinFromEnv(read);
    if (pin !== undefined) options.modelServer = { ...options.modelServer, pin };
  }
  return options;
}

/**
 * Builds a server with the model server alone (`loom serve`): `/v2` on the endpoints of the store at
 * `<home>/loom.db` and the ONNX files of its artifact store, the very ones `loom start` on that home
 * writes, plus `/healthz`, `/metrics`, its endpoints' traffic (`/api/endpoints/:model/stats`) and the
 * OpenAPI docs. The same request guard and token rule as `loom start`: anything but loopback needs
 * `apiToken`. It does not listen; see {@link startModelServer}.
 *
 * @throws when `host` is not loopback and no `apiToken` is set.
 * @example
 * const app = await buildModelServerApp({ home: '.loom', host: '127.0.0.1' });
 */
export async function buildModelServerApp(options: ModelServerAppOptions): Promise<FastifyInstance> {
  // The shared plugins read a full server configuration; a model server lists and runs no nodes.
  const config = resolveConfig({ ...options, registry: new NodeRegistry([]), dataRoots: [] });
  const app = Fastify({ logger: config.logger, bodyLimit: config.bodyLimit }).withTypeProvider<TypeBoxTypeProvider>();
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
  await app.register(modelServerPlugin, { settings: options.modelServer ?? {} });
  await app.register(metricsRoutes);
  await app.register(endpointStatsRoutes);
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Whether the model server process is up (see /v2/health/ready for its models)',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  return app;
}

/**
 * Builds the model server app and listens on `options.host` and `port` (0 picks a free one). Close it
 * with `app.close()`, which finishes requests, closes the inference pool and the store.
 *
 * @example
 * const { app, address } = await startModelServer(resolveModelServerOptions({}), { port: 8081 });
 */
export async function startModelServer(
  options: ModelServerAppOptions,
  listen: { port: number },
): Promise<{ app: FastifyInstance; address: string }> {
  const app = await buildModelServerApp(options);
  try {
    const address = await app.listen({ host: options.host, port: listen.port });
    return { app, address };
  } catch (cause) {
    await app.close();
    throw cause;
  }
}
