import { compile } from '@loom/compiler';
import { sha256 } from '@loom/runtime';
import { benchRegistry, generateDag, round, summarise } from './bench-nodes.ts';
import type { BenchResult } from './bench-result.ts';

const NODES = 10_000;
const RUNS = 21;

/** Compiles a generated 10,000-node DAG (fan-in up to 3) repeatedly; the goal is a median ≤ 50 ms. */
export async function benchCompile(): Promise<BenchResult> {
  const registry = benchRegistry();
  const document = generateDag(NODES) as { edges: unknown[] };
  const measure = (hash?: (text: string) => string) => {
    const samples: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const started = performance.now();
      const result = compile(document, registry, hash === undefined ? {} : { hash });
      const elapsed = performance.now() - started;
      if (!result.ok) throw new Error(`bench document does not compile: ${result.diagnostics[0]?.message}`);
      if (i >= 3) samples.push(elapsed); // the first runs warm up the JIT
    }
    return summarise(samples);
  };
  const pure = measure();
  const native = measure(sha256);
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
    ],
    figures: {
      nodes: NODES,
      edges: document.edges.length,
      runs: RUNS,
      medianMs: round(native.median),
      p95Ms: round(native.p95),
      medianMsPureJsHash: round(pure.median),
      p95MsPureJsHash: round(pure.p95),
      goalMedianMs: 50,
    },
  };
}
