import { defineNode, input, NodeRegistry, output, Type } from '@loom/sdk';

/**
 * Test-only node types for compiler tests: a small ML-shaped pipeline (source → split → train →
 * evaluate → merge) plus a few shapes the compiler must handle (fan-in, optional inputs, versions).
 * Their `run` is never called; the compiler only reads definitions.
 */

const unused = async (): Promise<never> => {
  throw new Error('compiler fixtures are never run');
};

export const source = defineNode({
  type: 'test.source',
  version: '1.0.0',
  title: 'Source',
  description: 'Reads a table.',
  category: 'data',
  params: Type.Object({
    path: Type.String({ minLength: 1 }),
    rows: Type.Integer({ minimum: 1, default: 100 }),
  }),
  outputs: { table: output('table'), stats: output('metrics') },
  run: unused,
});

const splitParams = Type.Object(
  {
    fraction: Type.Number({ minimum: 0, maximum: 1, default: 0.2 }),
    seed: Type.Optional(Type.Integer()),
    stratify: Type.Optional(Type.Object({ column: Type.String(), bins: Type.Integer({ default: 10 }) })),
  },
  { additionalProperties: false },
);

export const split = defineNode({
  type: 'test.split',
  version: '1.0.0',
  title: 'Split',
  description: 'Splits a table into train and test.',
  category: 'transform',
  inputs: { data: input('table') },
  params: splitParams,
  outputs: { train: output('table'), test: output('table') },
  run: unused,
});

/** A later version of `test.split`, installed side by side. */
export const split11 = defineNode({ ...split, version: '1.1.0', run: unused });
/** An out-of-order version, to show the installed versions are listed in semver order. */
export const split110 = defineNode({ ...split, version: '1.10.0', run: unused });

export const train = defineNode({
  type: 'test.train',
  version: '1.0.0',
  title: 'Train',
  description: 'Trains a model.',
  category: 'train',
  inputs: { train: input('table') },
  params: Type.Object({
    epochs: Type.Integer({ minimum: 1, default: 5 }),
    lr: Type.Number({ exclusiveMinimum: 0, default: 0.01 }),
  }),
  outputs: { model: output('model'), history: output('metrics') },
  resources: { gpu: 1, memoryMb: 4096 },
  retry: { retries: 2 },
  timeoutMs: 3_600_000,
  run: unused,
});

export const evaluate = defineNode({
  type: 'test.evaluate',
  version: '1.0.0',
  title: 'Evaluate',
  description: 'Scores a model on a table.',
  category: 'validate',
  inputs: { model: input('model'), test: input('table') },
  outputs: { metrics: output('metrics') },
  run: unused,
});

export const merge = defineNode({
  type: 'test.merge',
  version: '1.0.0',
  title: 'Merge',
  description: 'Merges metrics.',
  category: 'utility',
  inputs: { metrics: input('metrics', { multiple: true }) },
  params: Type.Object({
    on_conflict: Type.Union([Type.Literal('error'), Type.Literal('last'), Type.Literal('number')], {
      default: 'number',
    }),
  }),
  outputs: { metrics: output('metrics') },
  run: unused,
});

/** Takes anything as JSON, with an optional text note; no outputs. */
export const report = defineNode({
  type: 'test.report',
  version: '1.0.0',
  title: 'Report',
  description: 'Writes a report.',
  category: 'export',
  inputs: { data: input('json'), notes: input('text', { required: false }), extra: input('any', { required: false }) },
  params: Type.Object({ title: Type.String({ default: 'Report' }) }),
  cacheable: false,
  run: unused,
});

/** JSON in, JSON out: for chains and cycles. */
export const pass = defineNode({
  type: 'test.pass',
  version: '1.0.0',
  title: 'Pass',
  description: 'Passes its input on.',
  category: 'utility',
  inputs: { in: input('json', { required: false }) },
  params: Type.Object({ note: Type.Optional(Type.String()) }),
  outputs: { out: output('json') },
  run: unused,
});

export const fixtureNodes = [source, split, split11, split110, train, evaluate, merge, report, pass];

/** A registry of the fixture nodes; `implementationHashes` overrides the default `impl-<type>@<version>`. */
export function testRegistry(implementationHashes: Record<string, string> = {}): NodeRegistry {
  return new NodeRegistry(
    fixtureNodes.map((definition) => {
      const key = `${definition.type}@${definition.version}`;
      return { definition, source: 'test-fixtures', implementationHash: implementationHashes[key] ?? `impl-${key}` };
    }),
  );
}
