import {
  CURRENT_FORMAT_VERSION,
  DOCUMENT_FORMAT,
  type PipelineDocument,
  type PipelineEdge,
  type PipelineNode,
} from '@loom/graph';
import type { CatalogContext } from '../src/store/editor-types.ts';
import { syntheticCatalog } from '../src/test-fixtures/test-catalog.ts';

/** The catalog of the generated pipelines: the synthetic node types of the designer's tests. */
export function benchCatalog(): CatalogContext {
  return syntheticCatalog('bench');
}

/** Grid spacing of the generated layout, in flow pixels (nodes are 210 px wide). */
const COLUMN = 260;
const ROW = 150;
const LANE_GAP = 160;
const STAGES = 6;
/** The lanes are arranged in blocks side by side so that the whole graph is about as wide as a screen. */
const ASPECT = 1.6;

/**
 * A pipeline document of `count` nodes in lanes of six stages: data → select (or join with the lane
 * before) → split → train → export → validate (which also reads the split's test rows). Every 50th lane
 * leaves out its trainer's required `label`, so a few nodes show problems, as real drafts do.
 */
export function benchPipeline(count: number): PipelineDocument {
  const lanes = Math.ceil(count / STAGES);
  const laneWidth = STAGES * COLUMN + LANE_GAP;
  const blocks = Math.max(1, Math.round(Math.sqrt((lanes * ROW * ASPECT) / laneWidth)));
  const rowsPerBlock = Math.ceil(lanes / blocks);
  const nodes: PipelineNode[] = [];
  const edges: PipelineEdge[] = [];

  for (let lane = 0; lane < lanes; lane++) {
    const x0 = Math.floor(lane / rowsPerBlock) * laneWidth;
    const y = (lane % rowsPerBlock) * ROW;
    const id = (stage: number, l = lane) => `n${l * STAGES + stage}`;
    const joins = lane > 0 && lane % 3 === 0;
    const stages: Array<Omit<PipelineNode, 'id'>> = [
      { type: 'data.csv', version: '1.0.0', params: { path: `data/part-${lane}.csv` } },
      joins
        ? { type: 'transform.join', version: '1.0.0', params: { key: 'id' } }
        : { type: 'transform.select', version: '1.0.0', params: { columns: ['a', 'b', 'label'] } },
      { type: 'transform.split', version: '1.0.0', params: { fraction: 0.2 } },
      lane % 2 === 0
        ? { type: 'train.logistic_regression', version: '1.0.0', params: lane % 50 === 8 ? {} : { label: 'label' } }
        : { type: 'train.random_forest', version: '1.0.0', params: { label: 'label', trees: 50 } },
      { type: 'export.onnx', version: '1.0.0', params: {} },
      { type: 'validate.model', version: '1.0.0', params: { min_accuracy: 0.8 } },
    ];
    stages.forEach((stage, index) => {
      if (nodes.length >= count) return;
      nodes.push({ id: id(index), ...stage, ui: { position: { x: x0 + index * COLUMN, y } } });
    });
    // Edges only between nodes that exist, so a truncated last lane is still a valid graph.
    const has = (nodeId: string) => Number(nodeId.slice(1)) < nodes.length;
    const link = (from: string, fromPort: string, to: string, toPort: string) => {
      if (has(from) && has(to))
        edges.push({ id: `e${edges.length}`, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
    };
    if (joins) {
      link(id(0), 'table', id(1), 'left');
      link(id(0, lane - 1), 'table', id(1), 'right');
    } else link(id(0), 'table', id(1), 'table');
    link(id(1), 'table', id(2), 'table');
    link(id(2), 'train', id(3), 'table');
    link(id(3), 'model', id(4), 'model');
    link(id(4), 'onnx', id(5), 'onnx');
    link(id(2), 'test', id(5), 'table');
  }
  return {
    format: DOCUMENT_FORMAT,
    formatVersion: CURRENT_FORMAT_VERSION,
    name: `bench-canvas-${count}`,
    nodes,
    edges,
  };
}
