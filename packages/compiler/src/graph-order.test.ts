import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { simpleCycleOrder, topologicalOrder } from './graph-order.ts';
import { document, edge, node } from './test-fixtures/documents.ts';
import { testRegistry } from './test-fixtures/nodes.ts';

/** Successor lists for `count` vertices from `[from, to]` pairs. */
function graph(count: number, edges: Array<[number, number]>): number[][] {
  const successors: number[][] = Array.from({ length: count }, () => []);
  for (const [from, to] of edges) successors[from]?.push(to);
  return successors;
}

function chain(count: number): number[][] {
  return Array.from({ length: count }, (_, v) => (v + 1 < count ? [v + 1] : []));
}

describe('topologicalOrder', () => {
  it('orders an empty graph and isolated vertices in vertex order', () => {
    expect(topologicalOrder(0, [])).toEqual({ ok: true, order: [] });
    expect(topologicalOrder(3, graph(3, []))).toEqual({ ok: true, order: [0, 1, 2] });
  });

  it('puts every vertex after its predecessors', () => {
    // 3 → 1 → 0, 3 → 2 → 0, 4 isolated
    const successors = graph(5, [
      [3, 1],
      [3, 2],
      [1, 0],
      [2, 0],
    ]);
    const result = topologicalOrder(5, successors);
    expect(result).toEqual({ ok: true, order: [3, 4, 1, 2, 0] });
  });

  it('handles a diamond and parallel edges', () => {
    const successors = graph(4, [
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 3],
      [2, 3],
    ]);
    expect(topologicalOrder(4, successors)).toEqual({ ok: true, order: [0, 1, 2, 3] });
  });

  it('gives the same order every time', () => {
    const successors = graph(6, [
      [5, 0],
      [4, 0],
      [4, 1],
      [2, 3],
      [3, 1],
    ]);
    const first = topologicalOrder(6, successors);
    expect(topologicalOrder(6, successors)).toEqual(first);
  });

  it('returns the cyclic components, each sorted, in vertex order', () => {
    // 0 → 1 → 0 and 4 → 3 → 2 → 4, with 5 hanging off the second
    const successors = graph(6, [
      [4, 3],
      [3, 2],
      [2, 4],
      [1, 0],
      [0, 1],
      [2, 5],
    ]);
    expect(topologicalOrder(6, successors)).toEqual({
      ok: false,
      cycles: [
        [0, 1],
        [2, 3, 4],
      ],
    });
  });

  it('reports a self-loop as a component of one and ignores acyclic vertices', () => {
    expect(
      topologicalOrder(
        3,
        graph(3, [
          [0, 1],
          [1, 1],
          [1, 2],
        ]),
      ),
    ).toEqual({ ok: false, cycles: [[1]] });
  });

  it('orders a 10,000-vertex chain, given in reverse, without overflowing the stack', () => {
    const count = 10_000;
    const successors: number[][] = Array.from({ length: count }, (_, v) => (v > 0 ? [v - 1] : []));
    const result = topologicalOrder(count, successors);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.order).toHaveLength(count);
      expect(result.order[0]).toBe(count - 1);
      expect(result.order[count - 1]).toBe(0);
    }
  });

  it('finds a 10,000-vertex cycle without overflowing the stack', () => {
    const count = 10_000;
    const successors = chain(count);
    successors[count - 1] = [0];
    const result = topologicalOrder(count, successors);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.cycles).toHaveLength(1);
      expect(result.cycles[0]).toHaveLength(count);
      const cycle = simpleCycleOrder(result.cycles[0] ?? [], successors);
      expect(cycle).toHaveLength(count);
      expect(cycle?.slice(0, 3)).toEqual([0, 1, 2]);
    }
  });
});

describe('simpleCycleOrder', () => {
  it('follows the edges from the first vertex of the component', () => {
    // 0 → 2 → 1 → 0
    const successors = graph(3, [
      [0, 2],
      [2, 1],
      [1, 0],
    ]);
    expect(simpleCycleOrder([0, 1, 2], successors)).toEqual([0, 2, 1]);
  });

  it('orders a self-loop', () => {
    expect(simpleCycleOrder([0], graph(1, [[0, 0]]))).toEqual([0]);
  });

  it('ignores edges that leave the component', () => {
    const successors = graph(4, [
      [1, 2],
      [1, 3],
      [2, 1],
    ]);
    expect(simpleCycleOrder([1, 2], successors)).toEqual([1, 2]);
  });

  it('is undefined for a knot of cycles', () => {
    // 0 ⇄ 1 ⇄ 2: vertex 1 has two successors inside
    const successors = graph(3, [
      [0, 1],
      [1, 0],
      [1, 2],
      [2, 1],
    ]);
    expect(simpleCycleOrder([0, 1, 2], successors)).toBeUndefined();
  });

  it('is undefined for two cycles joined at one vertex', () => {
    // 0 → 1 → 0 and 0 → 2 → 0
    const successors = graph(3, [
      [0, 1],
      [1, 0],
      [0, 2],
      [2, 0],
    ]);
    expect(simpleCycleOrder([0, 1, 2], successors)).toBeUndefined();
  });

  it('is undefined when the walk closes before visiting every member', () => {
    const successors = graph(3, [
      [0, 1],
      [1, 0],
      [2, 0],
    ]);
    expect(simpleCycleOrder([0, 1, 2], successors)).toBeUndefined();
  });
});

describe('compile: deep pipelines', () => {
  it('compiles a 10,000-node chain in order', () => {
    const count = 10_000;
    const nodes = Array.from({ length: count }, (_, i) => node(`n${i}`, 'test.pass'));
    const edges = Array.from({ length: count - 1 }, (_, i) => edge(`n${i}.out`, `n${i + 1}.in`));
    const result = compile(document(nodes.reverse(), edges), testRegistry());
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.plan.steps).toHaveLength(count);
      expect(result.plan.steps[0]?.id).toBe('n0');
      expect(result.plan.steps[count - 1]?.id).toBe(`n${count - 1}`);
      expect(new Set(result.plan.steps.map((s) => s.cacheKey)).size).toBe(count);
    }
  });

  it('reports a 10,000-node cycle once', () => {
    const count = 10_000;
    const nodes = Array.from({ length: count }, (_, i) => node(`n${i}`, 'test.pass'));
    const edges = Array.from({ length: count }, (_, i) => edge(`n${i}.out`, `n${(i + 1) % count}.in`));
    const result = compile(document(nodes, edges), testRegistry());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.diagnostics.map((d) => d.code)).toEqual(['graph.cycle']);
      expect(result.diagnostics[0]?.message).toMatch(/^cycle: "n0" → "n1" → "n2" → .* → "n9999" → "n0"; /);
    }
  });
});
