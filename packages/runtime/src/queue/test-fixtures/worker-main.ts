/**
 * A StepWorker in a process of its own, for tests that kill a worker: `node --import tsx
 * worker-main.ts '<json config>'`. Prints `ready` once it takes jobs.
 */
import { LocalArtifactStore } from '../../artifact-store.ts';
import { StepWorker } from '../step-worker.ts';
import { testRegistryModule } from './queue-harness.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as { url: string; prefix: string; storeRoot: string };
const worker = new StepWorker({
  connection: config.url,
  prefix: config.prefix,
  backend: 'cpu',
  concurrency: 2,
  pool: { registryModule: testRegistryModule, storeRoot: config.storeRoot, baseDir: config.storeRoot, size: 1 },
  store: new LocalArtifactStore(config.storeRoot),
  name: 'doomed',
});
await worker.start();
process.stdout.write('ready\n');
