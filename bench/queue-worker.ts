/**
 * A worker process for the queue benchmarks, as `loom worker` runs one: `node --import tsx
 * queue-worker.ts '<json>'` with `{ kind: 'loom' | 'plain', url, prefix, home, concurrency, processes? }`.
 * `loom`: a StepWorker whose steps run in `processes` step-runner processes; `plain`: a BullMQ worker whose jobs
 * do nothing. Prints `ready` once it takes jobs.
 */
import { fileURLToPath } from 'node:url';
import { LocalArtifactStore, StepWorker } from '@loom/runtime';
import { Worker } from 'bullmq';

const config = JSON.parse(process.argv[2] ?? '{}') as {
  kind: 'loom' | 'plain';
  url: string;
  prefix: string;
  queue: string;
  home: string;
  concurrency: number;
  /** Step-runner processes (`loom`); each runs one step at a time. */
  processes?: number;
};
if (config.kind === 'loom') {
  const worker = new StepWorker({
    connection: config.url,
    prefix: config.prefix,
    backend: 'cpu',
    concurrency: config.concurrency,
    pool: {
      registryModule: fileURLToPath(new URL('./bench-nodes.ts', import.meta.url)),
      storeRoot: config.home,
      baseDir: config.home,
      size: config.processes ?? 1,
    },
    store: new LocalArtifactStore(config.home),
  });
  await worker.start();
  process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
} else {
  const worker = new Worker(config.queue, async () => ({ ok: true }), {
    connection: { url: config.url, maxRetriesPerRequest: null },
    concurrency: config.concurrency,
  });
  await worker.waitUntilReady();
  process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
}
process.stdout.write('ready\n');
