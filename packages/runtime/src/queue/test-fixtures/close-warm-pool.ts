// Run as a process of its own: warms a pool and closes it at once, with nothing else keeping the event
// loop alive, then says "closed". A child killed before it was up must still be waited for to the end.
import { StepRunnerPool } from '../step-runner-pool.ts';
import { testRegistryModule } from './queue-harness.ts';

const [root = process.cwd()] = process.argv.slice(2);
const pool = new StepRunnerPool({
  registryModule: testRegistryModule,
  storeRoot: root,
  baseDir: root,
  size: 1,
  killGraceMs: 1,
});
pool.warm();
await pool.close();
process.stdout.write('closed\n');
