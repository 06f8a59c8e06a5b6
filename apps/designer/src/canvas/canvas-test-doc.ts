import { CURRENT_FORMAT_VERSION, DOCUMENT_FORMAT, type PipelineDocument } from '@loom/graph';

/** csv → split → trainer, for the canvas's tests (the types are the test catalog's). */
export function threeNodeDocument(): PipelineDocument {
  return {
    format: DOCUMENT_FORMAT,
    formatVersion: CURRENT_FORMAT_VERSION,
    name: 'canvas-test',
    nodes: [
      { id: 'csv', type: 'data.csv', version: '1.0.0', params: { path: 'a.csv' }, ui: { position: { x: 0, y: 0 } } },
      { id: 'split', type: 'transform.split', version: '1.0.0', ui: { position: { x: 300, y: 0 } } },
      { id: 'train', type: 'train.logistic_regression', version: '1.0.0', ui: { position: { x: 600, y: 200 } } },
    ],
    edges: [
      { id: 'e1', from: { node: 'csv', port: 'table' }, to: { node: 'split', port: 'table' } },
      { id: 'e2', from: { node: 'split', port: 'train' }, to: { node: 'train', port: 'table' } },
    ],
  };
}
