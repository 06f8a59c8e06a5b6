import { describe, expect, it } from 'vitest';
import { testCatalog } from '../test-fixtures/test-catalog.ts';
import { threeNodeDocument } from './canvas-test-doc.ts';
import { indexCatalog } from './flow-elements.ts';
import { categoryColor, statusColor } from './node-colors.ts';
import { NodeGeometry } from './node-geometry.ts';
import { buildOverviewScene, nodeAt, nodesInside, type SceneInput } from './overview-scene.ts';

function scene(overrides: Partial<SceneInput> = {}) {
  return buildOverviewScene({
    document: threeNodeDocument(),
    index: indexCatalog(testCatalog().catalog),
    geometry: new NodeGeometry(),
    selectedNodes: new Set(),
    selectedEdges: new Set(),
    nodeProblems: new Map(),
    edgeProblems: new Map(),
    statuses: undefined,
    ...overrides,
  });
}

describe('overview scene', () => {
  it('lays every node out as a box and knows the bounds of them all', () => {
    const built = scene();
    expect(built.ids).toEqual(['csv', 'split', 'train']);
    expect([...built.boxes.slice(4, 8)]).toEqual([300, 0, 236, 94]);
    expect(built.bounds).toEqual({ x: 0, y: 0, width: 836, height: 200 + 74 });
  });

  it('runs each edge from its output handle to its input handle, coloured by the output type', () => {
    const built = scene();
    const table = indexCatalog(testCatalog().catalog).portColors.get('table') as string;
    // csv.table (first row, right side) → split.table (first row, left side); split.train → train.table.
    expect([...(built.edges.get(table) ?? [])]).toEqual([240, 58, 296, 58, 540, 58, 596, 258]);
  });

  it('groups nodes by status colour during a run, and lists the selected and the troubled', () => {
    const built = scene({
      statuses: { split: { status: 'failed' } },
      selectedNodes: new Set(['train']),
      nodeProblems: new Map([['csv', []]]),
    });
    expect(built.strips.get(statusColor('failed') as string)).toEqual([1]);
    expect(built.strips.get(categoryColor('data'))).toEqual([0]);
    expect(built.selected).toEqual([2]);
    expect(built.problems).toEqual([0]);
  });

  it('finds the node under a point and the nodes wholly inside a rectangle', () => {
    const built = scene();
    expect(nodeAt(built, 310, 10)).toBe('split');
    expect(nodeAt(built, 250, 10)).toBeUndefined();
    expect(nodesInside(built, { x: -10, y: -10, width: 560, height: 120 })).toEqual(['csv', 'split']);
    expect(nodesInside(built, { x: -10, y: -10, width: 400, height: 120 })).toEqual(['csv']);
  });
});
