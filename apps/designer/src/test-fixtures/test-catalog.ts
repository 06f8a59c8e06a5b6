import {
  defineNode,
  input,
  type NodeCatalog,
  NodeRegistry,
  nodeCatalog,
  output,
  registryFromCatalog,
  Type,
} from '@loom/sdk';
import type { CatalogContext } from '../store/editor-types.ts';

const run = async () => ({}) as never;

/** A few nodes shaped like the built-in ones: a CSV source, a split, a trainer, an ONNX export, a validation. */
const definitions = [
  defineNode({
    type: 'data.csv',
    version: '1.0.0',
    title: 'CSV file',
    description: 'Reads a CSV file into a table.',
    category: 'data',
    params: Type.Object({ path: Type.String({ minLength: 1 }) }),
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
    outputs: { train: output('table'), test: output('table') },
    run,
  }),
  defineNode({
    type: 'train.logistic_regression',
    version: '1.0.0',
    title: 'Logistic regression',
    description: 'Trains a classifier.',
    category: 'train',
    params: Type.Object({ label: Type.String(), regularization: Type.Number({ minimum: 0, default: 1 }) }),
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

/** The catalog as the server would send it, and the registry the designer rebuilds from it. */
export function testCatalog(): CatalogContext {
  const catalog: NodeCatalog = JSON.parse(
    JSON.stringify(nodeCatalog(new NodeRegistry(definitions.map((definition) => ({ definition, source: 'test' }))))),
  );
  return { catalog, registry: registryFromCatalog(catalog) };
}
