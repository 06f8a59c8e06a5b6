import {
  columnParam,
  columnsParam,
  defineNode,
  input,
  inputFile,
  type NodeCatalog,
  NodeRegistry,
  nodeCatalog,
  output,
  registryFromCatalog,
  Type,
} from '@loom/sdk';
import type { CatalogContext } from '../store/editor-types.ts';

const run = async () => ({}) as never;

/**
 * Node types shaped like Loom's built-in ones, one or more per category, with typed ports: a CSV
 * source, column selection, a join, a split, two trainers, an ONNX export and a validation. Column
 * parameters (select's `columns`, logistic regression's `label`) are marked as the built-in nodes mark them.
 */
const definitions = [
  defineNode({
    type: 'data.csv',
    version: '1.0.0',
    title: 'CSV file',
    description: 'Reads a CSV file into a table.',
    category: 'data',
    params: Type.Object({ path: inputFile() }),
    outputs: { table: output('table') },
    run,
  }),
  defineNode({
    type: 'transform.select',
    version: '1.0.0',
    title: 'Select columns',
    description: 'Keeps some columns.',
    category: 'transform',
    params: Type.Object({ columns: columnsParam('table', {}, {}) }),
    inputs: { table: input('table') },
    outputs: { table: output('table') },
    run,
  }),
  defineNode({
    type: 'transform.join',
    version: '1.0.0',
    title: 'Join tables',
    description: 'Joins two tables on a key.',
    category: 'transform',
    params: Type.Object({ key: Type.String({ minLength: 1 }) }),
    inputs: { left: input('table'), right: input('table') },
    outputs: { table: output('table') },
    run,
  }),
  defineNode({
    type: 'transform.split',
    version: '1.0.0',
    title: 'Train/test split',
    description: 'Holds out a fraction of rows.',
    category: 'transform',
    params: Type.Object({
      fraction: Type.Number({ minimum: 0, maximum: 1, default: 0.2 }),
      seed: Type.Integer({ default: 1 }),
    }),
    inputs: { table: input('table') },
    outputs: {
      train: output('table', { columns: { from: 'table' } }),
      test: output('table', { columns: { from: 'table' } }),
    },
    run,
  }),
  defineNode({
    type: 'train.logistic_regression',
    version: '1.0.0',
    title: 'Logistic regression',
    description: 'Trains a classifier.',
    category: 'train',
    params: Type.Object({ label: columnParam('table'), regularization: Type.Number({ minimum: 0, default: 1 }) }),
    inputs: { table: input('table') },
    outputs: { model: output('model') },
    run,
  }),
  defineNode({
    type: 'train.random_forest',
    version: '1.0.0',
    title: 'Random forest',
    description: 'Trains a forest of decision trees.',
    category: 'train',
    params: Type.Object({ label: Type.String(), trees: Type.Integer({ minimum: 1, default: 100 }) }),
    inputs: { table: input('table') },
    outputs: { model: output('model') },
    run,
  }),
  defineNode({
    type: 'export.onnx',
    version: '1.0.0',
    title: 'Export ONNX',
    description: 'Exports a model to ONNX.',
    category: 'export',
    inputs: { model: input('model') },
    outputs: { onnx: output('onnx') },
    run,
  }),
  defineNode({
    type: 'validate.model',
    version: '1.0.0',
    title: 'Validate model',
    description: 'Scores an ONNX model on held-out rows.',
    category: 'validate',
    params: Type.Object({ min_accuracy: Type.Number({ minimum: 0, maximum: 1, default: 0.9 }) }),
    inputs: { onnx: input('onnx'), table: input('table') },
    outputs: { metrics: output('metrics') },
    run,
  }),
];

/**
 * The synthetic node types as the server would send their catalog, and the registry the designer
 * rebuilds from it. The designer's unit tests use it through {@link testCatalog}; its canvas bench
 * (bench/bench-pipeline.ts) generates pipelines of these types.
 *
 * @param source the plugin the node types are said to come from.
 * @example const store = createEditorStore(syntheticCatalog('bench'));
 */
export function syntheticCatalog(source: string): CatalogContext {
  const registry = new NodeRegistry(definitions.map((definition) => ({ definition, source })));
  const catalog: NodeCatalog = JSON.parse(JSON.stringify(nodeCatalog(registry)));
  return { catalog, registry: registryFromCatalog(catalog) };
}

/** The synthetic catalog of the unit tests (see {@link syntheticCatalog}). */
export function testCatalog(): CatalogContext {
  return syntheticCatalog('test');
}
