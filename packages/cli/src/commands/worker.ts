import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { httpModelRegistry, LocalArtifactStore, StepRunnerPool, StepWorker } from '@loom/runtime';
import { dataRootsFromEnv } from '@loom/server';
import pc from 'picocolors';
import { installedNodes } from '../installed-nodes.ts';
import { resolveLoomHome } from '../loom-home.ts';
import { pluginSources } from '../node-registry.ts';
import { UserError } from '../user-error.ts';
import { WORKER_REGISTRY_MODULE } from '../worker-registry.ts';
import { untilSignal } from './until-signal.ts';

const BACKENDS = ['cpu', 'gpu', 'kubernetes'] as const;
type Backend = (typeof BACKENDS)[number];

export interface WorkerOptions {
  backend: string;
  concurrency?: string;
  home?: string;
}

/**
 * `loom worker`: takes the steps of one backend's queue from Redis (`REDIS_URL`) and runs them in
 * step-runner processes, until SIGINT/SIGTERM; then it stops taking steps and lets running ones end.
 */
export async function workerCommand(options: WorkerOptions): Promise<number> {
  const redisUrl = process.env.REDIS_URL;
  if (redisUrl === undefined || redisUrl === '') {
    throw new UserError('loom worker needs REDIS_URL (for example REDIS_URL=redis://127.0.0.1:6379)', 2);
  }
  if (!BACKENDS.includes(options.backend as Backend)) {
    throw new UserError(`--backend must be one of ${BACKENDS.join(', ')}, not "${options.backend}"`, 2);
  }
  // Kubernetes steps run in the cluster, not here: this bounds Jobs at once, not this machine's load.
  const concurrency =
    options.concurrency === undefined
      ? options.backend === 'kubernetes'
        ? DEFAULT_KUBERNETES_CONCURRENCY
        : availableParallelism()
      : Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new UserError(`--concurrency must be a whole number of at least 1, not "${options.concurrency}"`, 2);
  }
  // Loaded here too, though steps run in the step runners: a broken plugin stops the worker at once,
  // with the reason, instead of failing every step it takes.
  const { registry, plugins } = await installedNodes();
  const home = resolveLoomHome(options.home);
  const dataRoots = dataRootsFromEnv(process.env).map((root) => resolve(root));
  const store = new LocalArtifactStore(home);
  const apiUrl = nonEmpty(process.env.LOOM_API_URL);
  const apiToken = nonEmpty(process.env.LOOM_API_TOKEN);
  if (apiUrl !== undefined && !URL.canParse(apiUrl)) {
    throw new UserError(
      `LOOM_API_URL must be the server's address, e.g. http://loom.internal:8080, not "${apiUrl}"`,
      2,
    );
  }
  if (options.backend === 'kubernetes') {
    return kubernetesWorker({ redisUrl, concurrency, store, home, registrySize: registry.all().length });
  }
  const pool = new StepRunnerPool({
    registryModule: WORKER_REGISTRY_MODULE,
    registryOptions: pluginSources(),
    storeRoot: home,
    baseDir: dataRoots[0] as string,
    dataRoots,
    // One process per running step, so that a step that crashes or leaks takes nothing else with it.
    size: concurrency,
    // Deploys go to the server's registry over its API; without its address, a deploy step fails saying so.
    ...(apiUrl === undefined
      ? {}
      : { models: httpModelRegistry({ apiUrl, ...(apiToken === undefined ? {} : { apiToken }) }) }),
  });
  const worker = new StepWorker({
    connection: redisUrl,
    ...(process.env.LOOM_QUEUE_PREFIX === undefined ? {} : { prefix: process.env.LOOM_QUEUE_PREFIX }),
    backend: options.backend as Backend,
    concurrency,
    pool,
    store,
  });
  await worker.start();
  process.stderr.write(
    `${pc.green('loom worker')} taking ${options.backend} steps (concurrency ${concurrency}, ${registry.all().length} node types from ${plugins.length} plugins, artifacts in ${home}, ${apiUrl === undefined ? 'no LOOM_API_URL: deploy steps fail' : `deploying through ${apiUrl}`})\n`,
  );
  await untilSignal();
  process.stderr.write('stopping: finishing running steps…\n');
  await worker.close();
  await pool.close();
  return 0;
}

const DEFAULT_KUBERNETES_CONCURRENCY = 16;

/** `loom worker --backend kubernetes`: each step a Kubernetes Job, after checking the cluster lets it make them. */
async function kubernetesWorker(setup: {
  redisUrl: string;
  concurrency: number;
  store: LocalArtifactStore;
  home: string;
  registrySize: number;
}): Promise<number> {
  const kubernetes = await import('@loom/kubernetes');
  let loaded: ReturnType<typeof kubernetes.loadKubeConfig>;
  let jobs: ReturnType<typeof kubernetes.kubernetesJobsConfigFromEnv>;
  try {
    loaded = kubernetes.loadKubeConfig();
    jobs = kubernetes.kubernetesJobsConfigFromEnv(
      process.env,
      loaded.namespace === undefined ? {} : { namespace: loaded.namespace },
    );
    await kubernetes.checkClusterAccess(loaded, jobs.namespace);
  } catch (cause) {
    throw new UserError(
      `loom worker --backend kubernetes: ${cause instanceof Error ? cause.message : String(cause)}`,
      2,
    );
  }
  const runner = new kubernetes.KubernetesStepRunner({ kubeConfig: loaded.kubeConfig, jobs, store: setup.store });
  const worker = new StepWorker({
    connection: setup.redisUrl,
    ...(process.env.LOOM_QUEUE_PREFIX === undefined ? {} : { prefix: process.env.LOOM_QUEUE_PREFIX }),
    backend: 'kubernetes',
    concurrency: setup.concurrency,
    pool: runner,
    store: setup.store,
  });
  await worker.start();
  process.stderr.write(
    `${pc.green('loom worker')} taking kubernetes steps: each a Job in namespace ${jobs.namespace} of ${loaded.kubeConfig.getCurrentCluster()?.server} (image ${jobs.image}, up to ${setup.concurrency} at once, kubeconfig from ${loaded.source}, artifacts in ${setup.home})\n`,
  );
  await untilSignal();
  // Running Jobs go on in the cluster; a worker started later re-attaches to them.
  process.stderr.write('stopping: steps still running in the cluster are picked up by the next worker\n');
  runner.detach();
  await worker.close({ leaveRunning: true });
  return 0;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
