import { resolveModelServerOptions, startModelServer } from '@loom/server';
import pc from 'picocolors';
import { UserError } from '../user-error.ts';
import { watchParent } from './parent-watch.ts';
import { untilSignal } from './until-signal.ts';

export interface ServeOptions {
  host?: string;
  port?: string;
  home?: string;
  threads?: string;
  /** Keep serving after the process that started it has gone (`nohup`, `setsid`). @default false */
  outliveParent?: boolean;
}

/**
 * `loom serve`: the model server alone, in a process of its own (`/v2`, the Open Inference Protocol),
 * serving the endpoints of the registry on `--home`, the same store and artifacts `loom start` and
 * `loom run` use there; endpoint and alias changes made by them show within a poll (~0.5 s). Stops
 * on SIGINT/SIGTERM or when the process that started it goes away. Returns the exit code.
 */
export async function serveCommand(options: ServeOptions): Promise<number> {
  const port = options.port === undefined ? 8081 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UserError(`--port must be a whole number from 0 to 65535, not "${options.port}"`, 2);
  }
  const threads = options.threads === undefined ? undefined : Number(options.threads);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new UserError(`--threads must be a whole number from 1, not "${options.threads}"`, 2);
  }
  let server: Awaited<ReturnType<typeof startModelServer>>;
  try {
    const serverOptions = resolveModelServerOptions(
      {
        ...(options.host === undefined ? {} : { host: options.host }),
        ...(options.home === undefined ? {} : { home: options.home }),
        modelServer: threads === undefined ? {} : { threads },
        // Warnings and errors (a version that failed to load); LOOM_LOG_LEVEL=info logs every request and switch.
        logger: { level: process.env.LOOM_LOG_LEVEL ?? 'warn' },
      },
      process.env,
    );
    server = await startModelServer(serverOptions, { port });
  } catch (cause) {
    throw new UserError(cause instanceof Error ? cause.message : String(cause), 1);
  }
  const { app, address } = server;
  process.stderr.write(
    `${pc.green('loom model server')} serving on ${address} (home ${app.config.home}; inference at ${address}/v2/models/<model>/infer)\n`,
  );
  const table = app.modelServing;
  const parent = options.outliveParent ? undefined : watchParent();
  void table?.whenSynced().then(() => {
    const endpoints = table.endpoints();
    const serving = endpoints.map(
      (endpoint) =>
        `${endpoint.model} (${endpoint.routes.length === 0 ? pc.red('failed to load') : endpoint.routes.map((share) => `v${share.version}`).join(', ')})`,
    );
    process.stderr.write(
      `ready: ${endpoints.length === 0 ? 'no endpoints yet (they are served as soon as they are set)' : serving.join(', ')}\n`,
    );
  });
  const reason = await Promise.race([
    untilSignal(),
    ...(parent === undefined ? [] : [parent.gone.then(() => 'its parent process exited')]),
  ]);
  parent?.stop();
  // The parent may have taken the other end of stderr with it: a failed write must not stop the close.
  process.stderr.on('error', () => {});
  process.stderr.write(`stopping (${reason})…\n`);
  await app.close();
  return 0;
}
