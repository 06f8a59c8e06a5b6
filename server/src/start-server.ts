import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { ServerOptions } from './server-options.ts';

/** A listening Loom server. */
export interface StartedServer {
  app: FastifyInstance;
  /** The address it listens on, e.g. `http://127.0.0.1:8080`. */
  address: string;
}

/**
 * Builds the app and listens on `options.host` and `port` (0 picks a free port). Close it with
 * `app.close()`, which finishes requests, stops runs and closes the store.
 *
 * @example
 * const { app, address } = await startServer(resolveServerOptions({ registry }), { port: 8080 });
 */
export async function startServer(options: ServerOptions, listen: { port: number }): Promise<StartedServer> {
  const app = await buildApp(options);
  try {
    const address = await app.listen({ host: options.host, port: listen.port });
    return { app, address };
  } catch (cause) {
    await app.close();
    throw cause;
  }
}
