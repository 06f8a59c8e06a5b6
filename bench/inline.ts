import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type Plan } from '@loom/compiler';
import {
  InlineTransport,
  LocalArtifactStore,
  LocalStepCache,
  ProcessTransport,
  type RunResult,
  runPlan,
} from '@loom/runtime';
import type { NodeRegistry } from '@loom/sdk';
import { benchRegistry, generateDag, generateIndependent, round } from './bench-nodes.ts';
import type { BenchResult } from './bench-result.ts';

const STEPS = 2_000;
const BENCH_NODES_MODULE = fileURLToPath(new URL('./bench-nodes.ts', import.meta.url));

/** Samples memory every few milliseconds while `work` runs, keeping the peaks. */
async function withPeakMemory<T>(work: () => Promise<T>): Promise<{ value: T; peakRssMb: number; peakHeapMb: number }> {
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 5);
  try {
    const value = await work();
    sample();
    return { value, peakRssMb: peakRss / 2 ** 20, peakHeapMb: peakHeap / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** `inline` runs steps in this process; `processes` in that many step-runner processes, as `loom start` does. */
type Where = { inline: number } | { processes: number };

async function runOnce(plan: Plan, registry: NodeRegistry, home: string, where: Where) {
  const store = new LocalArtifactStore(home);
  const cache = new LocalStepCache(home, store);
  const transport =
    'inline' in where
      ? new InlineTransport({ environment: { registry, store, baseDir: home }, concurrency: where.inline })
      : new ProcessTransport({
          registryModule: BENCH_NODES_MODULE,
          storeRoot: home,
          baseDir: home,
          size: where.processes,
        });
  if (transport instanceof ProcessTransport && 'processes' in where) {
    // Started before the clock: the first step should not pay for a process start.
    await runPlan(planOf(generateIndependent(where.processes * 4), registry), {
      registry,
      store,
      cache,
      transport,
      baseDir: home,
    });
  }
  let events = 0;
  const started = performance.now();
  const measured = await withPeakMemory(() =>
    runPlan(plan, { registry, store, cache, transport, baseDir: home, onEvent: () => void events++ }),
  );
  const elapsedMs = performance.now() - started;
  await transport.close();
  const result: RunResult = measured.value;
  if (result.status !== 'succeeded') throw new Error(`bench run ${result.status}`);
  return {
    elapsedMs,
    perStepMs: elapsedMs / plan.steps.length,
    events,
    peakRssMb: measured.peakRssMb,
    peakHeapMb: measured.peakHeapMb,
    result,
  };
}

function planOf(document: unknown, registry: NodeRegistry): Plan {
  const compiled = compile(document, registry);
  if (!compiled.ok) throw new Error(`bench document does not compile: ${compiled.diagnostics[0]?.message}`);
  return compiled.plan;
}

/**
 * Runs 2,000 no-op steps through the scheduler and the inline transport. The goal (≤ 0.2 ms of
 * overhead per step) is about scheduling: independent, non-cacheable no-ops do no I/O at all. The DAG
 * rows add what real steps cost besides: each passes a small JSON value through the artifact store
 * and records its result in the on-disk cache; then the DAG re-runs fully cached. The last rows run
 * the same through step-runner processes (one step per process at a time), as `loom start` does.
 */
export async function benchInline(): Promise<BenchResult> {
  const registry = benchRegistry();
  const home = await mkdtemp(join(tmpdir(), 'loom-bench-'));
  try {
    const independent = planOf(generateIndependent(STEPS), registry);
    const dag = planOf(generateDag(STEPS), registry);
    await runOnce(planOf(generateIndependent(200), registry), registry, join(home, 'warmup'), { inline: 8 }); // JIT warm-up
    const noop = await runOnce(independent, registry, join(home, 'noop'), { inline: 8 });
    const noopSerial = await runOnce(independent, registry, join(home, 'noop-serial'), { inline: 1 });
    const cold = await runOnce(dag, registry, join(home, 'dag'), { inline: 8 });
    const warm = await runOnce(dag, registry, join(home, 'dag'), { inline: 8 });
    const processes = await runOnce(independent, registry, join(home, 'processes'), { processes: 2 });
    const processDag = await runOnce(dag, registry, join(home, 'process-dag'), { processes: 2 });
    const cachedSteps = warm.result.steps.filter((s) => s.cached).length;
    const row = (name: string, r: Awaited<ReturnType<typeof runOnce>>) => [
      name,
      String(round(r.elapsedMs, 0)),
      String(round(r.perStepMs, 3)),
      String(r.events),
      String(round(r.peakRssMb, 0)),
      String(round(r.peakHeapMb, 0)),
    ];
    return {
      title: `run ${STEPS.toLocaleString('en')} steps through the scheduler, in this process or in step-runner processes`,
      rows: [
        ['run', 'total ms', 'ms/step', 'events', 'peak RSS MB', 'peak heap MB'],
        row('no-op, independent, concurrency 8', noop),
        row('no-op, independent, concurrency 1', noopSerial),
        row('DAG fan-in ≤ 3, store + cache, cold', cold),
        row(`DAG fan-in ≤ 3, all cached (${cachedSteps})`, warm),
        row('no-op, independent, 2 step-runner processes', processes),
        row('DAG fan-in ≤ 3, 2 step-runner processes, cold', processDag),
      ],
      figures: {
        steps: STEPS,
        noopMsPerStep: round(noop.perStepMs, 4),
        noopSerialMsPerStep: round(noopSerial.perStepMs, 4),
        dagColdMsPerStep: round(cold.perStepMs, 4),
        dagCachedMsPerStep: round(warm.perStepMs, 4),
        processNoopMsPerStep: round(processes.perStepMs, 4),
        processDagColdMsPerStep: round(processDag.perStepMs, 4),
        peakRssMb: round(Math.max(noop.peakRssMb, noopSerial.peakRssMb, cold.peakRssMb, warm.peakRssMb), 1),
        peakHeapMb: round(Math.max(noop.peakHeapMb, noopSerial.peakHeapMb, cold.peakHeapMb, warm.peakHeapMb), 1),
        goalMsPerStep: 0.2,
      },
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
