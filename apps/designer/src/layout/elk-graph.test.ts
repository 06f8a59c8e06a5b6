import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { fromElkGraph, type LayoutInput, type LayoutNode, type LayoutPositions, toElkGraph } from './elk-graph.ts';

const node = (id: string, inputs: string[], outputs: string[], width = 160, height = 80): LayoutNode => ({
  id,
  width,
  height,
  inputs,
  outputs,
});

const edge = (from: string, fromPort: string, to: string, toPort: string) => ({
  from: { node: from, port: fromPort },
  to: { node: to, port: toPort },
});

/** source → split → two branches → join, deliberately listed out of topological order. */
const pipeline: LayoutInput = {
  nodes: [
    node('join', ['left', 'right'], ['out'], 180, 90),
    node('branch-b', ['x'], ['y']),
    node('source', [], ['rows'], 140, 60),
    node('split', ['rows'], ['train', 'test'], 160, 100),
    node('branch-a', ['x'], ['y'], 200, 70),
  ],
  edges: [
    edge('source', 'rows', 'split', 'rows'),
    edge('split', 'train', 'branch-a', 'x'),
    edge('split', 'test', 'branch-b', 'x'),
    edge('branch-a', 'y', 'join', 'left'),
    edge('branch-b', 'y', 'join', 'right'),
  ],
};

const elk = new ELK();

async function layout(input: LayoutInput): Promise<{ result: ElkNode; positions: LayoutPositions }> {
  const result = await elk.layout(toElkGraph(input));
  return { result, positions: fromElkGraph(result) };
}

function at(positions: LayoutPositions, id: string) {
  const position = positions.get(id);
  if (position === undefined) throw new Error(`no position for ${id}`);
  return position;
}

function child(graph: ElkNode, id: string): ElkNode {
  const found = graph.children?.find((candidate) => candidate.id === `n:${id}`);
  if (found === undefined) throw new Error(`no ELK node ${id}`);
  return found;
}

describe('toElkGraph', () => {
  it('builds a layered, rightward graph with fixed-order ports on the west and east sides', () => {
    const graph = toElkGraph(pipeline);
    expect(graph.layoutOptions?.['org.eclipse.elk.algorithm']).toBe('layered');
    expect(graph.layoutOptions?.['org.eclipse.elk.direction']).toBe('RIGHT');
    // Document order is kept: it is the model order ELK considers.
    expect(graph.children?.map((c) => c.id)).toEqual(['n:join', 'n:branch-b', 'n:source', 'n:split', 'n:branch-a']);

    const split = child(graph, 'split');
    expect(split).toMatchObject({ width: 160, height: 100 });
    expect(split.layoutOptions?.['org.eclipse.elk.portConstraints']).toBe('FIXED_ORDER');
    const sides = split.ports?.map((port) => port.layoutOptions?.['org.eclipse.elk.port.side']);
    expect(sides).toEqual(['WEST', 'EAST', 'EAST']);
  });

  it('attaches every edge to one output port and one input port', () => {
    const graph = toElkGraph(pipeline);
    const ports = new Map(
      graph.children?.flatMap((c) => (c.ports ?? []).map((port) => [port.id, { node: c.id, port }] as const)),
    );
    expect(graph.edges).toHaveLength(5);
    for (const e of graph.edges ?? []) {
      const [source] = e.sources;
      const [target] = e.targets;
      expect(e.sources).toHaveLength(1);
      expect(e.targets).toHaveLength(1);
      expect(ports.get(source ?? '')?.port.layoutOptions?.['org.eclipse.elk.port.side']).toBe('EAST');
      expect(ports.get(target ?? '')?.port.layoutOptions?.['org.eclipse.elk.port.side']).toBe('WEST');
    }
    const first = graph.edges?.[0];
    expect(ports.get(first?.sources[0] ?? '')?.node).toBe('n:source');
    expect(ports.get(first?.targets[0] ?? '')?.node).toBe('n:split');
  });

  it('drops edges to missing nodes and adds ports that only edges mention', () => {
    const graph = toElkGraph({
      nodes: [node('a', [], ['out']), node('b', [], [])],
      edges: [edge('a', 'out', 'gone', 'in'), edge('a', 'extra', 'b', 'in')],
    });
    expect(graph.edges).toHaveLength(1);
    expect(child(graph, 'a').ports).toHaveLength(2);
    expect(child(graph, 'b').ports).toHaveLength(1);
  });

  it('keeps ELK ids unique whatever characters node ids and port names contain', () => {
    const graph = toElkGraph({
      nodes: [
        node('a/b', ['c'], ['c']),
        node('a', ['b/c'], []),
        node('p:0.in.0', ['p:0.in.0'], ['x']),
        node('root', [], []),
      ],
      edges: [edge('p:0.in.0', 'x', 'a', 'b/c')],
    });
    const ids = [
      graph.id,
      ...(graph.children ?? []).flatMap((c) => [c.id, ...(c.ports ?? []).map((port) => port.id)]),
      ...(graph.edges ?? []).map((e) => e.id),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('does not share the frozen default options object with the graph it returns', () => {
    const graph = toElkGraph(pipeline);
    expect(Object.isFrozen(graph.layoutOptions)).toBe(false);
  });
});

describe('fromElkGraph', () => {
  it('rounds top-left corners to whole pixels, defaults unplaced nodes to the origin, skips foreign nodes', () => {
    const positions = fromElkGraph({
      id: 'root',
      children: [
        { id: 'n:a', x: 12.4, y: 13.5 },
        { id: 'n:b', x: 99.999, y: 0.49 },
        { id: 'n:c' },
        { id: 'not-from-toElkGraph', x: 1, y: 1 },
      ],
    });
    expect([...positions]).toEqual([
      ['a', { x: 12, y: 14 }],
      ['b', { x: 100, y: 0 }],
      ['c', { x: 0, y: 0 }],
    ]);
  });
});

describe('layout with the real elkjs', () => {
  it('places every node', async () => {
    const { positions } = await layout(pipeline);
    expect([...positions.keys()].sort()).toEqual(pipeline.nodes.map((n) => n.id).sort());
    for (const position of positions.values()) {
      expect(Number.isInteger(position.x)).toBe(true);
      expect(Number.isInteger(position.y)).toBe(true);
    }
  });

  it('puts every source strictly left of its target, clear of the source node', async () => {
    const { positions } = await layout(pipeline);
    const widths = new Map(pipeline.nodes.map((n) => [n.id, n.width]));
    for (const e of pipeline.edges) {
      const from = at(positions, e.from.node);
      const to = at(positions, e.to.node);
      expect(to.x, `${e.from.node} → ${e.to.node}`).toBeGreaterThan(from.x);
      expect(to.x).toBeGreaterThanOrEqual(from.x + (widths.get(e.from.node) ?? 0));
    }
  });

  it('does not overlap nodes', async () => {
    const { positions } = await layout(pipeline);
    const boxes = pipeline.nodes.map((n) => ({ id: n.id, ...at(positions, n.id), width: n.width, height: n.height }));
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
    }
  });

  it('starts the layout at the origin', async () => {
    const { positions } = await layout(pipeline);
    const all = [...positions.values()];
    expect(Math.min(...all.map((p) => p.x))).toBe(0);
    expect(Math.min(...all.map((p) => p.y))).toBe(0);
  });

  it('keeps inputs on the left and outputs on the right, top to bottom in declared order', async () => {
    // The edges cross on purpose: with free port order ELK would swap `left` and `right` to uncross them.
    const crossed: LayoutInput = {
      nodes: [
        node('a', [], ['y']),
        node('b', [], ['y']),
        node('join', ['left', 'mid', 'right'], ['o1', 'o2'], 160, 120),
      ],
      edges: [edge('a', 'y', 'join', 'right'), edge('b', 'y', 'join', 'left')],
    };
    const { result } = await layout(crossed);
    const join = child(result, 'join');
    const ports = join.ports ?? [];
    const west = ports.filter((port) => port.layoutOptions?.['org.eclipse.elk.port.side'] === 'WEST');
    const east = ports.filter((port) => port.layoutOptions?.['org.eclipse.elk.port.side'] === 'EAST');
    // `===` rather than toEqual: ELK reports west ports at x = -0 (minus the zero port width).
    expect(west.length === 3 && west.every((port) => port.x === 0)).toBe(true);
    expect(east.length === 2 && east.every((port) => port.x === 160)).toBe(true);
    const ys = (list: typeof ports) => list.map((port) => port.y ?? Number.NaN);
    expect(ys(west)).toEqual([...ys(west)].sort((p, q) => p - q));
    expect(new Set(ys(west)).size).toBe(3);
    expect(ys(east)).toEqual([...ys(east)].sort((p, q) => p - q));
    expect(new Set(ys(east)).size).toBe(2);
  });

  it('stacks disconnected sub-pipelines in document order, not by size', async () => {
    const small = [node('small-1', ['in'], ['out'], 100, 40), node('small-2', ['in'], ['out'], 100, 40)];
    const big = ['big-1', 'big-2', 'big-3'].map((id) => node(id, ['in'], ['out'], 100, 200));
    const edges = [
      edge('small-1', 'out', 'small-2', 'in'),
      edge('big-1', 'out', 'big-2', 'in'),
      edge('big-2', 'out', 'big-3', 'in'),
    ];
    const smallFirst = (await layout({ nodes: [...small, ...big], edges })).positions;
    expect(at(smallFirst, 'small-1').y + 40 + 40).toBe(at(smallFirst, 'big-1').y);
    const bigFirst = (await layout({ nodes: [...big, ...small], edges })).positions;
    expect(at(bigFirst, 'big-1').y + 200 + 40).toBe(at(bigFirst, 'small-1').y);
  });

  it('gives the same positions when laid out again', async () => {
    const first = await layout(pipeline);
    const second = await layout(pipeline);
    expect([...second.positions]).toEqual([...first.positions]);
  });

  it('lays out a graph with an edge to an undeclared port and an empty graph', async () => {
    const { positions } = await layout({
      nodes: [node('a', [], ['out']), node('unknown-type', [], [])],
      edges: [edge('a', 'out', 'unknown-type', 'in')],
    });
    expect(at(positions, 'unknown-type').x).toBeGreaterThan(at(positions, 'a').x);
    expect((await layout({ nodes: [], edges: [] })).positions.size).toBe(0);
  });

  it('accepts node ids that look like the ids it generates for the root, ports and edges', async () => {
    // Found the hard way: a node whose ELK id equals a port's id captures that port's edges.
    const ids = ['root', 'p:0.in.0', 'p:2.in.0', 'n:p:1.out.0', 'e:0', 'p:3.out.0'];
    const { positions } = await layout({
      nodes: ids.map((id) => node(id, ['in'], ['out'])),
      edges: ids.slice(1).map((id, k) => edge(ids[k] ?? '', 'out', id, 'in')),
    });
    const xs = ids.map((id) => at(positions, id).x);
    expect(xs).toEqual([...xs].sort((p, q) => p - q));
    expect(new Set(xs).size).toBe(ids.length);
  });
});
