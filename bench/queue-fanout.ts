import { generateIndependent, round } from './bench-nodes.ts';
import type { BenchResult } from './bench-result.ts';
import { plainBullMq, startLoomOnRedis } from './queue-setup.ts';

const STEPS = 5_000;
const WORKERS = 2;
const CONCURRENCY = 50;
/** Step-runner processes per worker: each runs one step at a time, so a crashing step takes no other down. */
const PROCESSES = 4;

/**
 * `pnpm bench queue-fanout`: 5,000 independent no-op steps through Loom on BullMQ with two workers
 * (processes taking 50 jobs each, run in 4 step-runner processes each), against 5,000 plain BullMQ jobs added in bulk to two plain
 * worker processes of the same concurrency, counted through QueueEvents, on the same Redis in the same run. Goal: ratio ≥ 0.6.
 */
export async function benchQueueFanout(): Promise<BenchResult> {
  const loom = await startLoomOnRedis({ workers: WORKERS, concurrency: CONCURRENCY, processes: PROCESSES });
  try {
    await loom.run(generateIndependent(100));
    const result = await loom.run(generateIndependent(STEPS));
    if (result.status !== 'succeeded') throw new Error(`the fan-out ${result.status}`);
    const loomStepsPerSecond = STEPS / (result.ms / 1000);

    const plain = plainBullMq(loom.redis, 'plain-fanout');
    const workers = await plain.workers(WORKERS, CONCURRENCY);
    const events = plain.events();
    await events.waitUntilReady();
    const runJobs = async (count: number) => {
      let completed = 0;
      const done = new Promise<void>((resolveDone) => {
        const onCompleted = () => {
          completed += 1;
          if (completed === count) {
            events.off('completed', onCompleted);
            resolveDone();
          }
        };
        events.on('completed', onCompleted);
      });
      const jobs = Array.from({ length: count }, (_, i) => ({ name: 'step', data: { i } }));
      for (let i = 0; i < jobs.length; i += 1000) await plain.queue.addBulk(jobs.slice(i, i + 1000));
      await done;
    };
    await runJobs(100);
    const started = performance.now();
    await runJobs(STEPS);
    const plainJobsPerSecond = STEPS / ((performance.now() - started) / 1000);
    await workers.close();
    await events.close();
    await plain.close();

    const ratio = loomStepsPerSecond / plainJobsPerSecond;
    return {
      title: `${STEPS} independent no-op steps, ${WORKERS} workers × concurrency ${CONCURRENCY}`,
      rows: [
        ['', 'steps per second'],
        ['Loom on BullMQ', Math.round(loomStepsPerSecond).toString()],
        ['plain BullMQ jobs', Math.round(plainJobsPerSecond).toString()],
        ['ratio (goal ≥ 0.6)', round(ratio, 2).toString()],
      ],
      figures: {
        steps: STEPS,
        loomStepsPerSecond: round(loomStepsPerSecond, 1),
        plainJobsPerSecond: round(plainJobsPerSecond, 1),
        ratio: round(ratio, 3),
      },
    };
  } finally {
    await loom.close();
  }
}
