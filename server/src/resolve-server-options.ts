import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestLogSettingsFromEnv } from './model-server/model-server-options.ts';
import type { ServerOptions } from './server-options.ts';

/** What a caller sets itself; the rest comes from the environment or the defaults. */
export type ServerOptionsInput = Partial<ServerOptions> & Pick<ServerOptions, 'registry'>;

/**
 * Completes server options from the environment: `LOOM_HOME` (default `./.loom`), `LOOM_DATA_ROOTS`
 * (`:`-separated, `;` on Windows; default the current directory), `LOOM_API_TOKEN`, `REDIS_URL`,
 * `LOOM_DESIGNER_DIR`, `LOOM_EXAMPLES_DIR` (default this repository's `examples/`, when it is there),
 * `LOOM_ALLOWED_HOSTS` and `LOOM_ALLOWED_ORIGINS` (comma-separated), `LOOM_MODEL_SERVER` (`off`: no
 * model server in this process), `LOOM_MODEL_SERVER_URL`, `LOOM_MONITORS` (`off`: no monitor runs here),
 * `LOOM_WEBHOOK_ALLOW` (comma-separated URL prefixes alert webhooks may go to), and `LOOM_REQUEST_LOG` / `LOOM_REQUEST_LOG_SAMPLE`
 * (see `requestLogSettingsFromEnv`).
 * Options given explicitly win over the environment; an empty variable counts as unset.
 *
 * @example
 * const options = resolveServerOptions({ registry, host: '0.0.0.0' }, process.env);
 */
export function resolveServerOptions(
  given: ServerOptionsInput,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServerOptions {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const options: ServerOptions = {
    ...given,
    home: given.home ?? read('LOOM_HOME') ?? './.loom',
    dataRoots: given.dataRoots ?? dataRootsFromEnv(env),
    host: given.host ?? '127.0.0.1',
  };
  const apiToken = given.apiToken ?? read('LOOM_API_TOKEN');
  if (apiToken !== undefined) options.apiToken = apiToken;
  const redisUrl = given.redisUrl ?? read('REDIS_URL');
  if (redisUrl !== undefined) options.redisUrl = redisUrl;
  const queuePrefix = given.queuePrefix ?? read('LOOM_QUEUE_PREFIX');
  if (queuePrefix !== undefined) options.queuePrefix = queuePrefix;
  const designerDir = given.designerDir ?? read('LOOM_DESIGNER_DIR');
  if (designerDir !== undefined) options.designerDir = designerDir;
  const examplesDir = given.examplesDir ?? read('LOOM_EXAMPLES_DIR') ?? bundledExamples();
  if (examplesDir !== undefined) options.examplesDir = examplesDir;
  const allowedHosts = given.allowedHosts ?? listFromEnv(read('LOOM_ALLOWED_HOSTS'));
  if (allowedHosts !== undefined) options.allowedHosts = allowedHosts;
  const allowedOrigins = given.allowedOrigins ?? listFromEnv(read('LOOM_ALLOWED_ORIGINS'));
  if (allowedOrigins !== undefined) options.allowedOrigins = allowedOrigins;
  if (given.modelServer === undefined) {
    if (switchedOff(read('LOOM_MODEL_SERVER'), 'LOOM_MODEL_SERVER')) options.modelServer = false;
    else {
      const logging = requestLogSettingsFromEnv(read);
      if (Object.keys(logging).length > 0) options.modelServer = logging;
    }
  }
  const modelServerUrl = given.modelServerUrl ?? read('LOOM_MODEL_SERVER_URL');
  if (modelServerUrl !== undefined) options.modelServerUrl = modelServerUrl;
  const webhookAllow = given.webhookAllow ?? listFromEnv(read('LOOM_WEBHOOK_ALLOW'));
  if (webhookAllow !== undefined) options.webhookAllow = webhookAllow;
  if (given.monitors === undefined && switchedOff(read('LOOM_MONITORS'), 'LOOM_MONITORS')) options.monitors = false;
  return options;
}

/** This repository's `examples/`, found from this file so that `loom start` finds it from any folder. */
function bundledExamples(): string | undefined {
  const dir = fileURLToPath(new URL('../../examples', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

/** @throws naming the variable when it is neither `on` nor `off`. */
function switchedOff(value: string | undefined, variable: string): boolean {
  if (value === undefined || value.toLowerCase() === 'on') return false;
  if (value.toLowerCase() === 'off') return true;
  throw new Error(`${variable} must be "on" or "off", not ${JSON.stringify(value)}`);
}

function listFromEnv(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * The data roots `LOOM_DATA_ROOTS` names (`:`-separated, `;` on Windows), or the current directory:
 * the same rule for the server and for `loom worker`, which must see the same files.
 */
export function dataRootsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const roots = (env.LOOM_DATA_ROOTS ?? '')
    .split(delimiter)
    .map((root) => root.trim())
    .filter((root) => root !== '');
  return roots.length > 0 ? roots : [process.cwd()];
}
