import { defineNode, input, NodeRegistry, output, Type } from '@loom/sdk';

/** A node that does nothing but pass a small value on: what remains of a run's time is Loom's overhead. */
export const passNode = defineNode({
  type: 'bench.pass',
  version: '1.0.0',
  title: 'Pass',
  description: 'Benchmark node: up to three inputs, one output, no work.',
  category: 'utility',
  inputs: {
    a: input('json', { required: false }),
    b: input('json', { required: false }),
    c: input('json', { required: false }),
  },
  outputs: { out: output('json') },
  params: Type.Object({
    label: Type.String({ default: '' }),
    weight: Type.Number({ minimum: 0, default: 1 }),
  }),
  async run(ctx) {
    return { out: ctx.params.weight };
  },
});

/** A no-op without outputs, and not cacheable: no artifact or cache I/O at all, only scheduling. */
export const noopNode = defineNode({
  type: 'bench.noop',
  version: '1.0.0',
  title: 'No-op',
  description: 'Benchmark node: does nothing.',
  category: 'utility',
  cacheable: false,
  async run() {
    return {};
  },
});

export function benchRegistry(): NodeRegistry {
  return new NodeRegistry([
    { definition: passNode, source: 'bench', implementationHash: 'bench' },
    { definition: noopNode, source: 'bench', implementationHash: 'bench' },
  ]);
}

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same graph. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A document of `count` independent no-op nodes. */
export function generateIndependent(count: number): unknown {
  const nodes = Array.from({ length: count }, (_, i) => ({ id: `n${i}`, type: 'bench.noop', version: '1.0.0' }));
  return { format: 'loom.pipeline', formatVersion: 2, name: `bench-noop-${count}`, nodes, edges: [] };
}

/**
 * A pipeline document of `count` pass nodes where each node takes 1–3 inputs from earlier nodes
 * (mostly recent ones, as real pipelines are local), on ports a, b and c.
 */
export function generateDag(count: number, seed = 42): unknown {
  const random = seededRandom(seed);
  const nodes = [];
  const edges = [];
  for (let i = 0; i < count; i++) {
    const id = `n${i}`;
    nodes.push({
      id,
      type: 'bench.pass',
      version: '1.0.0',
      params: { label: `node ${i}`, weight: i % 97 },
      ui: { position: { x: (i % 100) * 200, y: Math.floor(i / 100) * 120 } },
    });
    if (i === 0) continue;
    const fanIn = 1 + Math.floor(random() * 3);
    const sources = new Set<number>();
    for (let k = 0; k < fanIn; k++) {
      const back = 1 + Math.floor(random() * Math.min(i, 50));
      sources.add(i - back);
    }
    let port = 0;
    for (const source of sources) {
      edges.push({
        id: `e${edges.length}`,
        from: { node: `n${source}`, port: 'out' },
        to: { node: id, port: ['a', 'b', 'c'][port++] as string },
      });
    }
  }
  return { format: 'loom.pipeline', formatVersion: 2, name: `bench-dag-${count}`, nodes, edges };
}

/** Median, 95th percentile, minimum and maximum of a sample. */
export function summarise(samples: number[]): { median: number; p95: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { median: at(0.5), p95: at(0.95), min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The registry module contract of step-runner processes (`loom worker` children load node types so). */
export const createRegistry = benchRegistry;

/** A chain of `count` pass nodes, each reading the one before. */
export function generateChain(count: number): unknown {
  const nodes = [];
  const edges = [];
  for (let i = 0; i < count; i++) {
    nodes.push({ id: `n${i}`, type: 'bench.pass', version: '1.0.0', params: { weight: 1 } });
    if (i > 0) edges.push({ id: `e${i}`, from: { node: `n${i - 1}`, port: 'out' }, to: { node: `n${i}`, port: 'a' } });
  }
  return { format: 'loom.pipeline', formatVersion: 2, name: `bench-chain-${count}`, nodes, edges };
}
