import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { fromElkGraph, type LayoutInput, type LayoutPositions, toElkGraph } from './elk-graph.ts';
import { type SizedNode, wrapRows } from './wrap-rows.ts';

const sized = (id: string, width = 200, height = 100): SizedNode => ({ id, width, height });

/** `count` nodes of 200 × 100, one every 300 flow pixels along a row at height `y`. */
function row(count: number, y = 0): { positions: LayoutPositions; nodes: SizedNode[] } {
  const nodes = Array.from({ length: count }, (_, i) => sized(`n${i}`));
  return { positions: new Map(nodes.map((node, i) => [node.id, { x: i * 300, y }])), nodes };
}

function boxesOf(positions: LayoutPositions, nodes: readonly SizedNode[]) {
  return nodes.map((node) => {
    const at = positions.get(node.id);
    if (at === undefined) throw new Error(`no position for ${node.id}`);
    return { id: node.id, ...at, width: node.width, height: node.height };
  });
}

describe('wrapRows', () => {
  it('leaves a layout that fits in one row as it is', () => {
    const { positions, nodes } = row(3);
    expect(wrapRows(positions, nodes, { maxRowWidth: 800 })).toEqual(positions);
  });

  it('cuts a long chain into rows no wider than asked, each starting at the left edge below the last', () => {
    const { positions, nodes } = row(7);
    const wrapped = wrapRows(positions, nodes, { maxRowWidth: 800, rowGap: 60 });
    expect(boxesOf(wrapped, nodes).map(({ id, x, y }) => [id, x, y])).toEqual([
      ['n0', 0, 0],
      ['n1', 300, 0],
      ['n2', 600, 0],
      ['n3', 0, 160],
      ['n4', 300, 160],
      ['n5', 600, 160],
      ['n6', 0, 320],
    ]);
  });

  it('keeps a column (an ELK layer) together and the vertical arrangement inside a row', () => {
    // A split feeding two branches: the two branch nodes share a column and keep their offsets.
    const nodes = [sized('source'), sized('a'), sized('b'), sized('join'), sized('end')];
    const positions: LayoutPositions = new Map([
      ['source', { x: 0, y: 70 }],
      ['a', { x: 300, y: 0 }],
      ['b', { x: 310, y: 140 }],
      ['join', { x: 620, y: 70 }],
      ['end', { x: 920, y: 70 }],
    ]);
    const wrapped = wrapRows(positions, nodes, { maxRowWidth: 560, rowGap: 50 });
    expect(Object.fromEntries(wrapped)).toEqual({
      source: { x: 0, y: 70 },
      a: { x: 300, y: 0 },
      b: { x: 310, y: 140 },
      // The first row spans 0..240 vertically: the second starts 50 below it, at its own top.
      join: { x: 0, y: 290 },
      end: { x: 300, y: 290 },
    });
  });

  it('gives a column wider than a row a row of its own, and keeps the layout corner', () => {
    const { positions, nodes } = row(3, 40);
    const wrapped = wrapRows(positions, nodes, { maxRowWidth: 100, rowGap: 10 });
    expect([...wrapped.values()]).toEqual([
      { x: 0, y: 40 },
      { x: 0, y: 150 },
      { x: 0, y: 260 },
    ]);
  });

  it('wraps a real ELK layout of an 8-step chain into rows that never overlap', async () => {
    const ids = ['csv', 'split', 'normalize', 'train', 'onnx', 'validate', 'importance', 'report'];
    const input: LayoutInput = {
      nodes: ids.map((id) => ({ id, width: 236, height: 110, inputs: ['in'], outputs: ['out'] })),
      edges: ids
        .slice(1)
        .map((id, i) => ({ from: { node: ids[i] as string, port: 'out' }, to: { node: id, port: 'in' } })),
    };
    const laidOut = fromElkGraph(await new ELK().layout(toElkGraph(input)));
    const wrapped = wrapRows(laidOut, input.nodes, { maxRowWidth: 900 });
    const boxes = boxesOf(wrapped, input.nodes);
    const right = Math.max(...boxes.map((box) => box.x + box.width));
    expect(right).toBeLessThanOrEqual(900);
    expect(new Set(boxes.map((box) => box.y)).size).toBeGreaterThan(1);
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
    }
    // Reading order is the chain's order: left to right within a row, rows top to bottom.
    const reading = [...boxes].sort((a, b) => a.y - b.y || a.x - b.x).map((box) => box.id);
    expect(reading).toEqual(ids);
  });
});
