import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeProblem, PluginLoadError, type PluginRegistry, type PluginSources } from '@loom/plugins';
import { ReplaceableRegistrySource, resolveServerOptions, startServer } from '@loom/server';
import pc from 'picocolors';
import { pluginSources } from '../node-registry.ts';
import { PluginDevLoop } from '../plugin-dev-loop.ts';
import { UserError } from '../user-error.ts';
import { WORKER_REGISTRY_MODULE } from '../worker-registry.ts';
import { watchParent } from './parent-watch.ts';
import { untilSignal } from './until-signal.ts';

export interface StartOptions {
  host?: string;
  port?: string;
  home?: string;
  /** Watch the plugins and reload them when their code changes. */
  dev?: boolean;
  /** Keep serving after the process that started it has gone (`nohup`, `setsid`). @default false */
  outliveParent?: boolean;
}

/**
 * `loom start`: serves the API until SIGINT/SIGTERM or until the process that started it goes away
 * (see {@link watchParent}), then closes gracefully: the port is freed, the events still waiting are
 * written and the store is closed; runs going stay `running` and the next start picks them up. Without Redis, each step
 * runs in a step-runner process that loads the same plugins. With `--dev`, plugins reload when their
 * code changes (see {@link PluginDevLoop}). Returns the exit code.
 */
export async function startCommand(options: StartOptions, loaded: PluginRegistry): Promise<number> {
  const registry = new ReplaceableRegistrySource(loaded.registry);
  const sources = pluginSources();
  const port = options.port === undefined ? 8080 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UserError(`--port must be a whole number from 0 to 65535, not "${options.port}"`, 2);
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    const serverOptions = resolveServerOptions(
      {
        registry,
        stepRunner: { registryModule: WORKER_REGISTRY_MODULE, registryOptions: sources },
        ...(options.host === undefined ? {} : { host: options.host }),
        ...(options.home === undefined ? {} : { home: options.home }),
        // Warnings and errors (Redis down, a request that failed); LOOM_LOG_LEVEL=info logs every request.
        logger: { level: process.env.LOOM_LOG_LEVEL ?? 'warn' },
      },
      process.env,
    );
    server = await startServer(serverOptions, { port });
  } catch (cause) {
    throw new UserError(cause instanceof Error ? cause.message : String(cause), 1);
  }
  const mode =
    server.app.config.redisUrl === undefined ? 'steps run in step-runner processes here' : 'steps go to Redis workers';
  process.stderr.write(
    `${pc.green('loom')} serving on ${server.address} (${mode}; API docs at ${server.address}/docs)\n`,
  );
  const designer = join(server.app.config.designerDir, 'index.html');
  process.stderr.write(
    existsSync(designer)
      ? `open ${pc.bold(`${server.address}/`)} in a browser to design and run pipelines\n`
      : `${pc.yellow('the designer is not built')} (no ${designer}): run \`pnpm --filter @loom/designer build\`\n`,
  );
  const devLoop = options.dev ? await startDevLoop(registry, loaded, sources) : undefined;
  const parent = options.outliveParent ? undefined : watchParent();
  const reason = await Promise.race([
    untilSignal(),
    ...(parent === undefined ? [] : [parent.gone.then(() => 'its parent process exited')]),
  ]);
  parent?.stop();
  // The parent may have taken the other end of stderr with it: a failed write must not stop the close.
  process.stderr.on('error', () => {});
  process.stderr.write(`stopping (${reason})…\n`);
  await devLoop?.close();
  await server.app.close();
  return 0;
}

async function startDevLoop(
  registry: ReplaceableRegistrySource,
  loaded: PluginRegistry,
  sources: PluginSources,
): Promise<PluginDevLoop> {
  const loop = new PluginDevLoop({
    sources,
    registry,
    loaded,
    onReload: (result) => {
      if (result.ok) {
        const count = result.registry.registry.all().length;
        const what = result.changed.length === 0 ? '' : ` (${result.changed.slice(0, 3).join(', ')})`;
        process.stderr.write(
          `${pc.green('plugins reloaded')}${what}: ${count} node types; the next steps run the new code\n`,
        );
        return;
      }
      const problems =
        result.error instanceof PluginLoadError
          ? result.error.problems.map((problem) => `  - ${describeProblem(problem)}`).join('\n')
          : `  - ${result.error instanceof Error ? (result.error.stack ?? result.error.message) : String(result.error)}`;
      process.stderr.write(`${pc.red('plugins not reloaded')}, the previous ones still serve:\n${problems}\n`);
    },
  });
  await loop.start();
  process.stderr.write(
    `${pc.cyan('dev mode')}: watching ${loaded.discovery.watch.length} plugin folders and ${sources.pluginsDir}\n`,
  );
  return loop;
}
