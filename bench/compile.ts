import { compile } from '@loom/compiler';
import { sha256 } from '@loom/runtime';
import { defineNode, input, NodeRegistry, output, Type } from '@loom/sdk';
import { benchRegistry, generateDag, round, summarise } from './bench-nodes.ts';
import type { BenchResult } from './bench-result.ts';

const NODES = 10_000;
const RUNS = 21;

/**
 * The data-leakage check's worst case: every node learns from its rows, holds some out and scores
 * held-out rows, so every row set carries fitted steps and leaks all the way down the graph.
 */
const rowsNode = defineNode({
  type: 'bench.rows',
  version: '1.0.0',
  title: 'Rows',
  description: 'Benchmark node: fits, holds out and scores table rows (declarations only).',
  category: 'utility',
  inputs: {
    a: input('table', { required: false }),
    b: input('table', { required: false }),
    c: input('table', { required: false }),
    score: input('table', { required: false, evaluation: true }),
  },
  outputs: {
    out: output('table', { rows: { from: 'a', fits: true } }),
    held: output('table', { rows: { from: 'a', heldOut: true } }),
  },
  params: Type.Object({ label: Type.String({ default: '' }), weight: Type.Number({ minimum: 0, default: 1 }) }),
  async run() {
    throw new Error('never run');
  },
});

/** The bench DAG on `bench.rows` nodes, with every fifth node scoring the rows its predecessor held out. */
function leakyDag(count: number): unknown {
  const document = generateDag(count) as { nodes: Array<{ type: string }>; edges: unknown[] };
  for (const node of document.nodes) node.type = 'bench.rows';
  for (let i = 5; i < count; i += 5) {
    document.edges.push({ from: { node: `n${i - 1}`, port: 'held' }, to: { node: `n${i}`, port: 'score' } });
  }
  return document;
}

/** Compiles a generated 10,000-node DAG (fan-in up to 3) repeatedly; the goal is a median ≤ 50 ms. */
export async function benchCompile(): Promise<BenchResult> {
  const registry = benchRegistry();
  const document = generateDag(NODES) as { edges: unknown[] };
  const measure = (hash?: (text: string) => string, on = document, using = registry, expectOk = true) => {
    const samples: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const started = performance.now();
      const result = compile(on, using, hash === undefined ? {} : { hash });
      const elapsed = performance.now() - started;
      if (result.ok !== expectOk)
        throw new Error(`bench document compiled unexpectedly: ${result.diagnostics[0]?.message}`);
      if (i >= 3) samples.push(elapsed); // the first runs warm up the JIT
    }
    return summarise(samples);
  };
  const pure = measure();
  const native = measure(sha256);
  const rowsRegistry = new NodeRegistry([{ definition: rowsNode, source: 'bench', implementationHash: 'bench' }]);
  const leaky = measure(sha256, leakyDag(NODES) as { edges: unknown[] }, rowsRegistry, false);
  return {
    title: `compile a ${NODES.toLocaleString('en')}-node DAG (${document.edges.length.toLocaleString('en')} edges, fan-in ≤ 3), ${RUNS} runs`,
    rows: [
      ['sha256', 'median ms', 'p95 ms', 'min ms'],
      [
        'pure JS (browser default)',
        String(round(pure.median, 1)),
        String(round(pure.p95, 1)),
        String(round(pure.min, 1)),
      ],
      [
        'node:crypto (CLI, server)',
        String(round(native.median, 1)),
        String(round(native.p95, 1)),
        String(round(native.min, 1)),
      ],
      [
        'node:crypto, leakage worst case (every node fits, holds out, scores)',
        String(round(leaky.median, 1)),
        String(round(leaky.p95, 1)),
        String(round(leaky.min, 1)),
      ],
    ],
    figures: {
      nodes: NODES,
      edges: document.edges.length,
      runs: RUNS,
      medianMs: round(native.median),
      p95Ms: round(native.p95),
      medianMsPureJsHash: round(pure.median),
      p95MsPureJsHash: round(pure.p95),
      medianMsLeakageWorstCase: round(leaky.median),
      goalMedianMs: 50,
    },
  };
}
