import { BullMqTransport, InlineTransport, ProcessTransport, type StepTransport } from '@loom/runtime';
import fp from 'fastify-plugin';
import { DEFAULT_MODEL_SERVER_URL, storeModelRegistry } from '../models/deploy-host.ts';
import { RunManager } from './run-manager.ts';

/**
 * `loom-runs`: the {@link RunManager} as `fastify.runs`. Without `redisUrl` steps run on this machine, in
 * step-runner processes when `stepRunner` is set (as `loom start` sets it) or else in this process;
 * with it every ready step goes to the BullMQ queue of its backend and `loom worker` processes run it.
 * Once the app is ready, the runs that were going when the server last stopped are picked up again,
 * before the queue's reports are read, so every report finds the attempt it belongs to.
 */
export const runsPlugin = fp(
  async (fastify) => {
    const { config, store, artifacts, registry, loomMetrics } = fastify;
    const baseDir = config.dataRoots[0] ?? process.cwd();
    // Steps run here deploy into this server's registry (and read its endpoints' request logs); their endpoints are served by this server
    // unless the model server is said to live elsewhere. (Workers on Redis deploy over the HTTP API.)
    // A deploy step ends once the embedded model server serves what it deployed, not at its next look
    // at the store: a request sent when the run shows the step done gets the new version.
    const models = storeModelRegistry({
      store,
      artifacts,
      home: config.home,
      modelServerUrl: () =>
        config.modelServerUrl ?? (fastify.server.listening ? fastify.listeningOrigin : DEFAULT_MODEL_SERVER_URL),
      servedHere: () => fastify.modelServing,
      ...(config.kubernetesEndpoints === undefined ? {} : { kubernetes: config.kubernetesEndpoints }),
    });
    let transport: StepTransport;
    let queue: BullMqTransport | undefined;
    let processes: ProcessTransport | undefined;
    if (config.redisUrl === undefined && config.stepRunner !== undefined) {
      processes = new ProcessTransport({
        registryModule: config.stepRunner.registryModule,
        registryOptions: config.stepRunner.registryOptions,
        storeRoot: config.home,
        baseDir,
        dataRoots: config.dataRoots,
        size: config.inlineConcurrency,
        models,
      });
      transport = processes;
      // A new registry (a dev loop reloaded plugins): later steps load the new code.
      const unsubscribe = fastify.nodeRegistry.subscribe(() => processes?.pool.recycle());
      fastify.addHook('onClose', async () => unsubscribe());
    } else if (config.redisUrl === undefined) {
      transport = new InlineTransport({
        environment: { registry, store: artifacts, baseDir, dataRoots: config.dataRoots, models },
        concurrency: config.inlineConcurrency,
      });
    } else {
      let connectedOnce = false;
      queue = new BullMqTransport({
        connection: config.redisUrl,
        prefix: config.queuePrefix,
        store: artifacts,
        onRedisState: (up) => {
          if (up && !connectedOnce) {
            connectedOnce = true;
            return;
          }
          fastify.log.warn(up ? 'Redis is back' : 'Redis is down: runs wait until it returns');
        },
      });
      transport = queue;
    }
    const runs = new RunManager({
      store,
      artifacts,
      registry: fastify.nodeRegistry,
      transport,
      baseDir,
      dataRoots: config.dataRoots,
      metrics: loomMetrics,
      ...(queue === undefined ? {} : { queue }),
    });
    fastify.decorate('runs', runs);
    fastify.addHook('onReady', async () => {
      const restored = runs.restoreActiveRuns();
      if (restored.length > 0) fastify.log.info({ runs: restored }, 'picked up runs that were going');
      await queue?.start();
      // The first step should not wait the second or so a step runner takes to load the nodes.
      processes?.pool.warm();
    });
    fastify.addHook('onClose', async () => runs.close());
  },
  { name: 'loom-runs', fastify: '5.x', dependencies: ['loom-config', 'loom-store', 'loom-artifacts', 'loom-metrics'] },
);
