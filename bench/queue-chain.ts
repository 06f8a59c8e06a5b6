import { generateChain, round } from './bench-nodes.ts';
import type { BenchResult } from './bench-result.ts';
import { plainBullMq, startLoomOnRedis } from './queue-setup.ts';

const STEPS = 500;

/**
 * `pnpm bench queue-chain`: a 500-step chain of no-op steps through Loom on BullMQ (server, one
 * worker process, steps in its step-runner process, every event stored), against a plain BullMQ chain (add a
 * job, wait for it to complete, add the next) on the same Redis in the same run. Goal: ratio ≤ 1.5.
 */
export async function benchQueueChain(): Promise<BenchResult> {
  const loom = await startLoomOnRedis({ workers: 1, concurrency: 1, processes: 1 });
  try {
    // Warm-up: the step runner starts, the node module loads, SQLite pages are cached.
    await loom.run(generateChain(20), { noCache: true });
    const result = await loom.run(generateChain(STEPS), { noCache: true });
    if (result.status !== 'succeeded') throw new Error(`the chain ${result.status}`);
    const loomMsPerStep = result.ms / STEPS;

    const plain = plainBullMq(loom.redis, 'plain-chain');
    const workers = await plain.workers(1, 1);
    const events = plain.events();
    await events.waitUntilReady();
    const chain = async (count: number) => {
      for (let i = 0; i < count; i++) await (await plain.queue.add('step', { i })).waitUntilFinished(events);
    };
    await chain(20);
    const started = performance.now();
    await chain(STEPS);
    const plainMsPerStep = (performance.now() - started) / STEPS;
    await workers.close();
    await events.close();
    await plain.close();

    const ratio = loomMsPerStep / plainMsPerStep;
    return {
      title: `${STEPS}-step chain of no-op steps, one worker`,
      rows: [
        ['', 'ms per step'],
        ['Loom on BullMQ', round(loomMsPerStep, 2).toString()],
        ['plain BullMQ (add → wait)', round(plainMsPerStep, 2).toString()],
        ['ratio (goal ≤ 1.5)', round(ratio, 2).toString()],
      ],
      figures: {
        steps: STEPS,
        loomMsPerStep: round(loomMsPerStep, 3),
        plainMsPerStep: round(plainMsPerStep, 3),
        ratio: round(ratio, 3),
      },
    };
  } finally {
    await loom.close();
  }
}
