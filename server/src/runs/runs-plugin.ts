import { BullMqTransport, InlineTransport, type StepTransport } from '@loom/runtime';
import fp from 'fastify-plugin';
import { RunManager } from './run-manager.ts';

/**
 * `loom-runs`: the {@link RunManager} as `fastify.runs`. Without `redisUrl` steps run in this process;
 * with it every ready step goes to the BullMQ queue of its backend and `loom worker` processes run it.
 * Once the app is ready, the runs that were going when the server last stopped are picked up again,
 * before the queue's reports are read, so every report finds the attempt it belongs to.
 */
export const runsPlugin = fp(
  async (fastify) => {
    const { config, store, artifacts, registry, loomMetrics } = fastify;
    const baseDir = config.dataRoots[0] ?? process.cwd();
    let transport: StepTransport;
    let queue: BullMqTransport | undefined;
    if (config.redisUrl === undefined) {
      transport = new InlineTransport({
        environment: { registry, store: artifacts, baseDir, dataRoots: config.dataRoots },
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
      registry,
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
    });
    fastify.addHook('onClose', async () => runs.close());
  },
  { name: 'loom-runs', fastify: '5.x', dependencies: ['loom-config', 'loom-store', 'loom-artifacts', 'loom-metrics'] },
);
