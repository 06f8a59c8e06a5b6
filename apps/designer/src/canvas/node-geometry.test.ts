import type { InternalNode } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { testCatalog } from '../test-fixtures/test-catalog.ts';
import { estimateGeometry, NodeGeometry } from './node-geometry.ts';

const entry = (type: string) => {
  const found = testCatalog().catalog.nodes.find((node) => node.type === type);
  if (found === undefined) throw new Error(`no ${type} in the test catalog`);
  return found;
};

describe('node geometry', () => {
  it('estimates a node from its ports: one row per port, inputs left, outputs right', () => {
    const { size, handles } = estimateGeometry(entry('transform.split'));
    expect(size).toEqual({ width: 236, height: 49 + 2 * 18 + 2 + 7 });
    expect(handles).toEqual([
      { id: 'train', type: 'source', position: 'right', x: 230, y: 53, width: 10, height: 10 },
      { id: 'test', type: 'source', position: 'right', x: 230, y: 73, width: 10, height: 10 },
      { id: 'table', type: 'target', position: 'left', x: -4, y: 53, width: 10, height: 10 },
    ]);
  });

  it('prefers what React Flow measured: sizes per node, handles per node type', () => {
    const geometry = new NodeGeometry();
    const split = entry('transform.split');
    const handleBounds = {
      source: [
        {
          id: 'train',
          nodeId: 'a',
          type: 'source' as const,
          position: 'right' as never,
          x: 205,
          y: 54,
          width: 10,
          height: 10,
        },
        {
          id: 'test',
          nodeId: 'a',
          type: 'source' as const,
          position: 'right' as never,
          x: 205,
          y: 74,
          width: 10,
          height: 10,
        },
      ],
      target: [
        {
          id: 'table',
          nodeId: 'a',
          type: 'target' as const,
          position: 'left' as never,
          x: -5,
          y: 54,
          width: 10,
          height: 10,
        },
      ],
    };
    geometry.learn(
      { id: 'a', measured: { width: 212, height: 130 }, internals: { handleBounds } } as unknown as InternalNode,
      split,
    );
    expect(geometry.size('a', split)).toEqual({ width: 212, height: 130 });
    expect(geometry.size('b', split)).toEqual(estimateGeometry(split).size);
    expect(geometry.handles(split)?.map((h) => [h.id, h.x, h.y])).toEqual([
      ['train', 205, 54],
      ['test', 205, 74],
      ['table', -5, 54],
    ]);
  });
});
