import { describe, expect, it } from 'vitest';
import { createEditorStore } from '../store/editor-store.ts';
import { testCatalog } from '../test-fixtures/test-catalog.ts';
import { fragmentFromText, pasteOffset, selectionAsText } from './clipboard.ts';

describe('clipboard', () => {
  it('copies the selected nodes with the edges between them, and reads them back', () => {
    const store = createEditorStore(testCatalog());
    const csv = store.getState().addNode('data.csv', '1.0.0', { x: 100, y: 50 });
    const split = store.getState().addNode('transform.split', '1.0.0', { x: 300, y: 50 });
    const train = store.getState().addNode('train.logistic_regression', '1.0.0', { x: 500, y: 50 });
    store.getState().addEdge({ from: { node: csv, port: 'table' }, to: { node: split, port: 'table' } });
    store.getState().addEdge({ from: { node: split, port: 'train' }, to: { node: train, port: 'table' } });
    store.getState().select([csv, split]);
    const text = selectionAsText(store.getState());
    const fragment = fragmentFromText(text ?? '');
    expect(fragment?.nodes.map((n) => n.id)).toEqual([csv, split]);
    expect(fragment?.edges).toHaveLength(1);
    expect(pasteOffset(fragment ?? { nodes: [], edges: [] }, { x: 0, y: 0 })).toEqual({ x: -100, y: -50 });
  });

  it('ignores text that is not a Loom fragment or document', () => {
    expect(fragmentFromText('hello')).toBeUndefined();
    expect(fragmentFromText('{"nodes": []}')).toBeUndefined();
    expect(fragmentFromText('{"format":"loom.fragment","nodes":[{"id":1}],"edges":[]}')).toBeUndefined();
  });

  it('nothing selected, nothing copied', () => {
    expect(selectionAsText(createEditorStore(testCatalog()).getState())).toBeUndefined();
  });
});
