import { describe, expect, it } from 'vitest';
import { testCatalog } from '../test-fixtures/test-catalog.ts';
import { threeNodeDocument } from './canvas-test-doc.ts';
import { FlowEdgeCache, FlowNodeCache, indexCatalog } from './flow-elements.ts';
import { NodeGeometry } from './node-geometry.ts';

const NONE = new Set<string>();
const NO_DRAG = new Map();

describe('flow elements', () => {
  it('gives React Flow each node with its size and handles, so it need not render it to know them', () => {
    const cache = new FlowNodeCache(indexCatalog(testCatalog().catalog), new NodeGeometry());
    const [csv] = cache.nodes(threeNodeDocument(), NONE, NO_DRAG, false);
    expect(csv?.measured).toEqual({ width: 236, height: 74 });
    expect(csv?.handles?.map((handle) => handle.id)).toEqual(['table']);
    expect(csv?.hidden).toBeUndefined();
  });

  it('keeps a node object until its document node, selection or overview mode changes', () => {
    const cache = new FlowNodeCache(indexCatalog(testCatalog().catalog), new NodeGeometry());
    const document = threeNodeDocument();
    const first = cache.nodes(document, NONE, NO_DRAG, false);
    const again = cache.nodes(document, NONE, NO_DRAG, false);
    expect(again[0]).toBe(first[0]);
    const selected = cache.nodes(document, new Set(['csv']), NO_DRAG, false);
    expect(selected[0]).not.toBe(first[0]);
    expect(selected[1]).toBe(first[1]);
    const hidden = cache.nodes(document, new Set(['csv']), NO_DRAG, true);
    expect(hidden.every((node) => node.hidden === true)).toBe(true);
  });

  it('colours edges by the type of the output they leave', () => {
    const index = indexCatalog(testCatalog().catalog);
    const [edge] = new FlowEdgeCache(index).edges(threeNodeDocument(), NONE, new Map());
    expect(edge?.style?.stroke).toBe(index.portColors.get('table'));
  });
});
