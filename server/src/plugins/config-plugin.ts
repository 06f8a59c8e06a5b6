import { isIP } from 'node:net';
import { availableParallelism, hostname } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fp from 'fastify-plugin';
import { fixedRegistrySource } from '../node-registry-source.ts';
import { parseAllowedHosts, parseAllowedOrigins, type RequestPolicy } from '../request-guard.ts';
import type { ServerOptions } from '../server-options.ts';

/** The largest request body accepted when `bodyLimit` is not set: 10 MiB. */
export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/**
 * Where `pnpm --filter @loom/designer build` leaves the designer in this repository (`apps/designer/dist`),
 * found from this file rather than the working directory, so `loom start` finds it wherever it runs.
 */
export const DEFAULT_DESIGNER_DIR = fileURLToPath(new URL('../../../apps/designer/dist', import.meta.url));

/** {@link ServerOptions} with every default filled in and every path absolute, as `fastify.config` holds them. */
export interface ResolvedServerOptions extends ServerOptions {
  bodyLimit: number;
  designerDir: string;
  queuePrefix: string;
  inlineConcurrency: number;
  logger: boolean | { level: string };
  /** Which hosts and origins `loom-request-guard` lets through. */
  requestPolicy: RequestPolicy;
}

/** Hosts that only this machine can reach; anything else needs an API token. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** Whether `host` can be reached only from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.trim().toLowerCase());
}

/**
 * Fills in the defaults of {@link ServerOptions} and refuses a setup that would expose the API
 * without a token: a server bound to anything but loopback must have `apiToken`.
 *
 * @example
 * resolveConfig({ registry, home: '.loom', dataRoots: ['.'], host: '127.0.0.1' }).bodyLimit; // 10485760
 */
export function resolveConfig(options: ServerOptions): ResolvedServerOptions {
  if (!isLoopbackHost(options.host) && (options.apiToken === undefined || options.apiToken === '')) {
    throw new Error(
      `refusing to serve on ${options.host} without an API token: anyone who can reach it could run code on this machine. ` +
        'Set LOOM_API_TOKEN (or apiToken), or listen on 127.0.0.1.',
    );
  }
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isInteger(bodyLimit) || bodyLimit <= 0) {
    throw new Error(`bodyLimit must be a positive whole number of bytes, not ${bodyLimit}`);
  }
  return {
    ...options,
    home: resolve(options.home),
    dataRoots: withExamples(
      options.dataRoots.map((root) => resolve(root)),
      options.examplesDir,
    ),
    bodyLimit,
    queuePrefix: options.queuePrefix ?? 'loom',
    inlineConcurrency: options.inlineConcurrency ?? availableParallelism(),
    logger: options.logger ?? false,
    designerDir: resolve(options.designerDir ?? DEFAULT_DESIGNER_DIR),
    requestPolicy: requestPolicy(options),
  };
}

/**
 * The data folders, and the examples' folder after them when it is not inside one already: an example
 * opened in the designer reads its own data, wherever the server was started.
 */
function withExamples(roots: string[], examplesDir: string | undefined): string[] {
  if (examplesDir === undefined) return roots;
  const examples = resolve(examplesDir);
  const inside = roots.some((root) => {
    const rel = relative(root, examples);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
  return inside ? roots : [...roots, examples];
}

/**
 * The hosts and origins a server lets through: the configured ones, and for a server reachable from
 * other machines (it listens on anything but loopback, so it has a token) the name it listens on and the
 * machine's host name, which is how people on the network reach it.
 */
function requestPolicy(options: ServerOptions): RequestPolicy {
  const allowedHosts = parseAllowedHosts(options.allowedHosts ?? []);
  if (!isLoopbackHost(options.host)) {
    for (const name of [options.host, hostname()]) {
      const host = name.trim().toLowerCase();
      if (host !== '' && isIP(host) === 0 && !allowedHosts.includes(host)) allowedHosts.push(host);
    }
  }
  return { allowedHosts, allowedOrigins: parseAllowedOrigins(options.allowedOrigins ?? []) };
}

/**
 * `loom-config`: decorates `fastify.config` (the resolved options) and `fastify.registry`. Every other
 * Loom plugin depends on it.
 */
export const configPlugin = fp<{ config: ResolvedServerOptions }>(
  async (fastify, { config }) => {
    fastify.decorate('config', config);
    const source = 'subscribe' in config.registry ? config.registry : fixedRegistrySource(config.registry);
    fastify.decorate('nodeRegistry', source);
    fastify.decorate('registry', {
      getter() {
        return source.registry;
      },
    });
  },
  { name: 'loom-config', fastify: '5.x' },
);
