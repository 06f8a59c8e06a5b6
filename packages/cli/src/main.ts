import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { createNodeCommand } from './commands/create-node.ts';
import { endpointsCommand } from './commands/endpoints.ts';
import { formatCommand } from './commands/format.ts';
import { modelsCommand } from './commands/models.ts';
import { nodesCommand } from './commands/nodes.ts';
import { deployStatusCommand } from './commands/remote/deploy-status.ts';
import { DEFAULT_SERVER } from './commands/remote/loom-api.ts';
import { remoteRunCommand } from './commands/remote/remote-run.ts';
import { DEFAULT_RUN_LIMIT, remoteRunsCommand } from './commands/remote/remote-runs.ts';
import { DEFAULT_ROLLBACK_ALIAS, rollbackCommand } from './commands/rollback.ts';
import { runCommand } from './commands/run.ts';
import { schemaCommand } from './commands/schema.ts';
import { serveCommand } from './commands/serve.ts';
import { startCommand } from './commands/start.ts';
import type { StepOptions } from './commands/step.ts';
import { validateCommand } from './commands/validate.ts';
import { workerCommand } from './commands/worker.ts';
import { installedNodes } from './installed-nodes.ts';
import { UserError } from './user-error.ts';

const program = new Command('loom')
  .description('Loom: design, validate and run machine-learning pipelines')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

program
  .command('validate')
  .description('check a pipeline document and report every problem')
  .argument('<file>', 'a .loom.json pipeline document')
  .option('--json', 'print { ok, diagnostics } as JSON')
  .action(async (file: string, options: { json?: boolean }) => {
    process.exitCode = await validateCommand(file, options, (await installedNodes()).registry);
  });

program
  .command('run')
  .description('run a pipeline on this machine, reusing cached results of unchanged steps')
  .argument('<file>', 'a .loom.json pipeline document')
  .option(
    '-p, --param <name=value>',
    'set a pipeline parameter (repeatable)',
    (value: string, all: string[]) => [...all, value],
    [],
  )
  .option('--no-cache', 'run every step, even those with cached results')
  .option('--concurrency <n>', 'steps to run at once (default: the number of CPUs)')
  .option('--home <dir>', 'state directory for artifacts, cache and runs (default: $LOOM_HOME or ./.loom)')
  .option('--json', 'print the run as one JSON object instead of progress and a table')
  .action(
    async (
      file: string,
      options: { param: string[]; cache: boolean; json?: boolean; home?: string; concurrency?: string },
    ) => {
      process.exitCode = await runCommand(file, options, (await installedNodes()).registry);
    },
  );

program
  .command('start')
  .description('serve the Loom API (steps run here, or on workers when REDIS_URL is set)')
  .option('--host <host>', 'interface to listen on; anything but loopback needs LOOM_API_TOKEN', '127.0.0.1')
  .option('--port <port>', 'port to listen on', '8080')
  .option('--home <dir>', 'state directory (default: $LOOM_HOME or ./.loom)')
  .option('--dev', 'reload plugins when their code changes (palette and run code, no restart)')
  .option('--outlive-parent', 'keep serving after the process that started it exits (for nohup or setsid)')
  .action(async (options: { host?: string; port?: string; home?: string; dev?: boolean; outliveParent?: boolean }) => {
    process.exitCode = await startCommand(options, await installedNodes());
  });

program
  .command('serve')
  .description('serve the model registry’s endpoints (Open Inference Protocol v2 under /v2) in a process of its own')
  .option('--host <host>', 'interface to listen on; anything but loopback needs LOOM_API_TOKEN', '127.0.0.1')
  .option('--port <port>', 'port to listen on', '8081')
  .option('--home <dir>', 'state directory whose registry and artifacts to serve (default: $LOOM_HOME or ./.loom)')
  .option('--threads <n>', 'inference threads (default: the number of CPUs)')
  .option('--outlive-parent', 'keep serving after the process that started it exits (for nohup or setsid)')
  .action(
    async (options: { host?: string; port?: string; home?: string; threads?: string; outliveParent?: boolean }) => {
      process.exitCode = await serveCommand(options);
    },
  );

program
  .command('worker')
  .description('run steps from the Redis queue of one backend (needs REDIS_URL)')
  .option('--backend <backend>', 'cpu, gpu or kubernetes', 'cpu')
  .option('--concurrency <n>', 'steps to run at once (default: the number of CPUs)')
  .option('--home <dir>', 'artifact store shared with the server (default: $LOOM_HOME or ./.loom)')
  .action(async (options: { backend: string; concurrency?: string; home?: string }) => {
    process.exitCode = await workerCommand(options);
  });

program
  .command('step')
  .description(
    'run one attempt of a step and write its outcome: what a Kubernetes step pod runs (loom worker --backend kubernetes passes the arguments)',
  )
  .requiredOption('--run <id>', 'the run')
  .requiredOption('--step <id>', "the step's id in the run's plan")
  .requiredOption('--attempt <n>', 'the attempt number')
  .requiredOption('--plan <sha256>', "the run's plan in the artifact store")
  .requiredOption('--content-key <key>', "the step's content key")
  .requiredOption('--inputs <json>', 'for each input port, the output records of its sources')
  .requiredOption('--outcome-file <path>', 'where the outcome goes (the termination message path)')
  .option('--home <dir>', 'artifact store shared with the server (default: $LOOM_HOME or ./.loom)')
  .action(async (options: StepOptions) => {
    // Loaded only here: the Kubernetes client is not every command's start-up cost.
    const { stepCommand } = await import('./commands/step.ts');
    process.exitCode = await stepCommand(options);
  });

program
  .command('format')
  .description('rewrite pipeline documents in canonical form, so they diff cleanly')
  .argument('<files...>', '.loom.json pipeline documents')
  .option('--check', 'change nothing; exit 1 if any file is not in canonical form')
  .action(async (files: string[], options: { check?: boolean }) => {
    process.exitCode = await formatCommand(files, options);
  });

program
  .command('nodes')
  .description('list the installed node types with their ports and parameters')
  .argument('[type]', 'show one node type in full, e.g. core.metrics_gate (or core.metrics_gate@1.0.0)')
  .option('--json', 'print the catalog as JSON')
  .action(async (type: string | undefined, options: { json?: boolean }) => {
    process.exitCode = nodesCommand(options, (await installedNodes()).registry, type);
  });

const HOME_OPTION = '--home <dir>';
const HOME_HELP = 'the store of this state directory (default: $LOOM_HOME or ./.loom)';

program
  .command('models')
  .description("list the registered models, or one model's versions with aliases, metrics and provenance")
  .argument('[name]', 'a model: list its versions')
  .option(HOME_OPTION, HOME_HELP)
  .option('--json', 'print the models (or the model, its endpoint and versions) as JSON')
  .action((name: string | undefined, options: { home?: string; json?: boolean }) => {
    process.exitCode = modelsCommand(name, options);
  });

program
  .command('endpoints')
  .description("list each model's endpoint: the alias it serves and where its requests go")
  .option(HOME_OPTION, HOME_HELP)
  .option('--json', 'print the endpoints as JSON')
  .action((options: { home?: string; json?: boolean }) => {
    process.exitCode = endpointsCommand(options);
  });

program
  .command('rollback')
  .description('move a model alias back to its previous version (one recorded event) and print from → to')
  .argument('<model>', 'the model')
  .option('--alias <alias>', 'the alias to move back', DEFAULT_ROLLBACK_ALIAS)
  .option(HOME_OPTION, HOME_HELP)
  .option('--json', 'print the move and the endpoint as JSON')
  .action(async (model: string, options: { alias: string; home?: string; json?: boolean }) => {
    process.exitCode = await rollbackCommand(model, options);
  });

const remote = program
  .command('remote')
  .description(
    'work with a Loom server over its API (for CI): run a pipeline there, list its runs, show what it serves',
  )
  .addHelpText(
    'after',
    `\nThe server is --server, else $LOOM_SERVER, else ${DEFAULT_SERVER}; a server started with LOOM_API_TOKEN\nwants that token in $LOOM_TOKEN. Exit codes: 0 done (run: succeeded), 1 the pipeline is invalid or its run\nfailed or was cancelled, 2 a usage error or the server could not be reached or refused the token.`,
  );
const SERVER_OPTION = '--server <url>';
const SERVER_HELP = `the Loom server (default: $LOOM_SERVER, else ${DEFAULT_SERVER}); its token from $LOOM_TOKEN`;

remote
  .command('run')
  .description('save a pipeline document on a server as a new version (none when unchanged) and start a run there')
  .argument('<file>', 'a .loom.json pipeline document, checked here first')
  .option(SERVER_OPTION, SERVER_HELP)
  .option('--wait', "follow the run's progress until it ends; exit 0 only when it succeeded")
  .option(
    '-p, --param <name=value>',
    'set a pipeline parameter (repeatable)',
    (value: string, all: string[]) => [...all, value],
    [],
  )
  .option('--no-cache', 'run every step, even those with cached results')
  .option('--json', 'print the run (with --wait: its steps, errors and last log lines) as one JSON object')
  .action(
    async (
      file: string,
      options: { server?: string; wait?: boolean; param: string[]; cache: boolean; json?: boolean },
    ) => {
      process.exitCode = await remoteRunCommand(file, options);
    },
  );

remote
  .command('runs')
  .description("list a server's recent runs: status, pipeline, version, start, duration")
  .option(SERVER_OPTION, SERVER_HELP)
  .option('--pipeline <name>', 'only the runs of the pipeline of this name')
  .option('--limit <n>', `runs to list, newest first (default: ${DEFAULT_RUN_LIMIT})`)
  .option('--json', 'print { runs } as GET /api/runs gives them')
  .action(async (options: { server?: string; pipeline?: string; limit?: string; json?: boolean }) => {
    process.exitCode = await remoteRunsCommand(options);
  });

remote
  .command('deploy-status')
  .description(
    "what a server serves: each model's aliases and their versions, its endpoint's traffic split and infer URL",
  )
  .argument('[model]', 'one model in full: the versions its aliases and endpoint name; exit 1 if there is none')
  .option(SERVER_OPTION, SERVER_HELP)
  .option('--json', 'print the models (or the model, its endpoint, infer URL and versions) as JSON')
  .action(async (model: string | undefined, options: { server?: string; json?: boolean }) => {
    process.exitCode = await deployStatusCommand(model, options);
  });

program
  .command('create-node')
  .description('create a node plugin package: an example node, its test, a pipeline and a README on what next')
  .argument('<dir>', 'a new or empty folder for the package (e.g. plugins/my-nodes)')
  .option('--name <name>', 'its npm package name (default: the folder name)')
  .option('--prefix <prefix>', 'the prefix of its node types (default: the package scope, else its name)')
  .action(async (dir: string, options: { name?: string; prefix?: string }) => {
    process.exitCode = await createNodeCommand(dir, options);
  });

program
  .command('schema')
  .description("print the pipeline document's JSON Schema")
  .action(() => {
    process.exitCode = schemaCommand();
  });

try {
  await program.parseAsync(process.argv);
} catch (cause) {
  if (cause instanceof CommanderError) {
    process.exitCode = cause.exitCode === 0 ? 0 : 2;
  } else if (cause instanceof UserError) {
    process.stderr.write(`${pc.red('error:')} ${cause.message}\n`);
    process.exitCode = cause.exitCode;
  } else {
    process.stderr.write(
      `${pc.red('internal error:')} ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`,
    );
    process.exitCode = 70;
  }
}
// A node that ignored its abort signal may still hold timers; the run is over, so leave.
process.exit(process.exitCode ?? 0);
