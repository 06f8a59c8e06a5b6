import type { Diagnostic } from '@loom/graph';
import {
  defineNode,
  type InputPorts,
  input,
  NodeRegistry,
  nodeCatalog,
  type OutputPorts,
  output,
  registryFromCatalog,
  type TObject,
  Type,
} from '@loom/sdk';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';

// Node shapes of the built-in transforms, with the row flows they declare; their `run` is never called.
const unused = async (): Promise<never> => {
  throw new Error('compiler fixtures are never run');
};
const table = () => input('table');

/** A fixture node type: the fields the check does not read are filled in. */
function fixture<const I extends InputPorts, const O extends OutputPorts>(
  type: string,
  description: string,
  category: string,
  ports: { inputs?: I; outputs: O; params?: TObject },
) {
  const title = type.slice('test.'.length);
  return defineNode({ type, version: '1.0.0', title, description, category, ...ports, run: unused });
}

const nodes = [
  fixture('test.csv', 'Reads rows.', 'data', { outputs: { table: output('table') } }),
  fixture('test.normalize', 'Learns means from its rows.', 'transform', {
    inputs: { table: table() },
    outputs: { table: output('table', { rows: { from: 'table', fits: true } }), transform: output('transform') },
  }),
  fixture('test.clean', 'Fills gaps with a mean, or drops rows.', 'transform', {
    inputs: { table: table() },
    params: Type.Object({
      strategy: Type.Union([Type.Literal('mean'), Type.Literal('remove_rows')], { default: 'mean' }),
    }),
    outputs: { table: output('table', { rows: { from: 'table', fits: { param: 'strategy', in: ['mean'] } } }) },
  }),
  fixture('test.select', 'Keeps some columns.', 'transform', {
    inputs: { table: table() },
    outputs: { table: output('table', { rows: { from: 'table' } }) },
  }),
  fixture('test.query', 'Makes new rows (declares no row flow).', 'transform', {
    inputs: { table: table() },
    outputs: { table: output('table') },
  }),
  fixture('test.split', 'Holds out test rows.', 'transform', {
    inputs: { table: table() },
    outputs: {
      train: output('table', { rows: { from: 'table' } }),
      test: output('table', { rows: { from: 'table', heldOut: true } }),
    },
  }),
  fixture('test.train', 'Trains.', 'train', { inputs: { table: table() }, outputs: { model: output('model') } }),
  fixture('test.validate', 'Scores a model on held-out rows.', 'validate', {
    inputs: { model: input('model'), table: input('table', { evaluation: true }) },
    outputs: { metrics: output('metrics') },
  }),
];
const registry = new NodeRegistry(nodes.map((definition) => ({ definition, source: 'test' })));

/** A document from `id:type` nodes and `from.port>to.port` edges. */
function doc(
  nodeSpecs: string[],
  edgeSpecs: string[],
  extra: { params?: Record<string, Record<string, unknown>>; parameters?: Record<string, unknown> } = {},
) {
  return {
    format: 'loom.pipeline',
    formatVersion: 2,
    name: 'leaky',
    ...(extra.parameters === undefined ? {} : { parameters: extra.parameters }),
    nodes: nodeSpecs.map((spec) => {
      const [id, type] = spec.split(':') as [string, string];
      return { id, type: `test.${type}`, version: '1.0.0', params: extra.params?.[id] ?? {} };
    }),
    edges: edgeSpecs.map((spec) => {
      const [from, to] = spec.split('>') as [string, string];
      const [fromNode, fromPort] = from.split('.') as [string, string];
      const [toNode, toPort] = to.split('.') as [string, string];
      return { from: { node: fromNode, port: fromPort }, to: { node: toNode, port: toPort } };
    }),
  };
}

function leakage(document: unknown, using = registry): Diagnostic[] {
  const result = compile(document, using);
  return result.diagnostics.filter((d) => d.code === 'data.leakage');
}

/** The pipeline: CSV → normalize → split → train → validate, scored on the split's test rows. */
const NORMALIZE_THEN_SPLIT = doc(
  ['csv:csv', 'normalize:normalize', 'split:split', 'train:train', 'validate:validate'],
  [
    'csv.table>normalize.table',
    'normalize.table>split.table',
    'split.train>train.table',
    'train.model>validate.model',
    'split.test>validate.table',
  ],
);

describe('data leakage', () => {
  it('refuses held-out rows that a fitted step saw before the split, naming the problem and the fix', () => {
    const result = compile(NORMALIZE_THEN_SPLIT, registry);
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      {
        code: 'data.leakage',
        severity: 'error',
        nodeId: 'normalize',
        path: '/nodes/1',
        message:
          'data leakage: "normalize" (test.normalize) is fitted on every row, including the rows that "split" then holds out as "test" for "validate" to score, ' +
          'so the preprocessing has seen the test rows and the scores would look better than the model is. ' +
          'Move the split before "normalize": feed "split" from "csv" (what "normalize" reads now), and "normalize" from "split"\'s "train" output; ' +
          'export.onnx puts the fitted preprocessing in front of the model, so "validate" can take the held-out rows as they are',
      },
    ]);
  });

  it('accepts the fix: split first, fit on the train rows', () => {
    const fixed = doc(
      ['csv:csv', 'split:split', 'normalize:normalize', 'train:train', 'validate:validate'],
      [
        'csv.table>split.table',
        'split.train>normalize.table',
        'normalize.table>train.table',
        'train.model>validate.model',
        'split.test>validate.table',
      ],
    );
    const result = compile(fixed, registry);
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('says nothing when nothing scores the held-out rows', () => {
    const unscored = doc(
      ['csv:csv', 'normalize:normalize', 'split:split', 'train:train'],
      ['csv.table>normalize.table', 'normalize.table>split.table', 'split.train>train.table'],
    );
    expect(leakage(unscored)).toEqual([]);
  });

  it('names every fitted step before the split in one error, on the first, and moves the split before it', () => {
    const twoFits = doc(
      ['csv:csv', 'clean:clean', 'normalize:normalize', 'split:split', 'train:train', 'validate:validate'],
      [
        'csv.table>clean.table',
        'clean.table>normalize.table',
        'normalize.table>split.table',
        'split.train>train.table',
        'train.model>validate.model',
        'split.test>validate.table',
      ],
    );
    const [only, ...rest] = leakage(twoFits);
    expect(rest).toEqual([]);
    expect(only?.nodeId).toBe('clean');
    expect(only?.message).toContain('"clean" (test.clean) and "normalize" (test.normalize) are fitted on every row');
    expect(only?.message).toContain('Move the split before "clean": feed "split" from "csv"');
  });

  it('follows the parameters: a step that learns nothing with them is no leak', () => {
    const cleanThenSplit = (params: Record<string, unknown>, parameters?: Record<string, unknown>) =>
      doc(
        ['csv:csv', 'clean:clean', 'split:split', 'train:train', 'validate:validate'],
        [
          'csv.table>clean.table',
          'clean.table>split.table',
          'split.train>train.table',
          'train.model>validate.model',
          'split.test>validate.table',
        ],
        { params: { clean: params }, ...(parameters === undefined ? {} : { parameters }) },
      );
    expect(leakage(cleanThenSplit({ strategy: 'remove_rows' }))).toEqual([]);
    expect(leakage(cleanThenSplit({}))).toHaveLength(1); // the default, mean, learns the means
    const bound = { strategy: { type: 'string', default: 'mean' } };
    expect(leakage(cleanThenSplit({ strategy: { $param: 'strategy' } }, bound))).toHaveLength(1);
  });

  it('follows rows through steps that keep them, on both sides of the split, and through a second split', () => {
    const throughSelect = doc(
      [
        'csv:csv',
        'normalize:normalize',
        'keep:select',
        'split:split',
        'train:train',
        'pick:select',
        'validate:validate',
      ],
      [
        'csv.table>normalize.table',
        'normalize.table>keep.table',
        'keep.table>split.table',
        'split.train>train.table',
        'split.test>pick.table',
        'train.model>validate.model',
        'pick.table>validate.table',
      ],
    );
    expect(leakage(throughSelect).map((d) => d.nodeId)).toEqual(['normalize']);

    // Fitted on the train rows, then a validation split of those same rows: the fit saw them.
    const secondSplit = doc(
      ['csv:csv', 'split:split', 'normalize:normalize', 'holdout:split', 'train:train', 'validate:validate'],
      [
        'csv.table>split.table',
        'split.train>normalize.table',
        'normalize.table>holdout.table',
        'holdout.train>train.table',
        'train.model>validate.model',
        'holdout.test>validate.table',
      ],
    );
    const [found] = leakage(secondSplit);
    expect(found?.message).toContain('the rows that "holdout" then holds out');
  });

  it('looks no further back than a step that makes new rows', () => {
    const query = doc(
      ['csv:csv', 'normalize:normalize', 'query:query', 'split:split', 'train:train', 'validate:validate'],
      [
        'csv.table>normalize.table',
        'normalize.table>query.table',
        'query.table>split.table',
        'split.train>train.table',
        'train.model>validate.model',
        'split.test>validate.table',
      ],
    );
    expect(leakage(query)).toEqual([]);
  });

  it('is reported with every other problem, in one pass', () => {
    const document = NORMALIZE_THEN_SPLIT as { nodes: Array<{ id: string; params: Record<string, unknown> }> };
    const broken = structuredClone(document);
    (broken.nodes[2] as { params: Record<string, unknown> }).params = { nonsense: 1 };
    const codes = compile(broken, registry).diagnostics.map((d) => d.code);
    expect(codes).toContain('data.leakage');
    expect(codes.length).toBeGreaterThan(1);
  });

  it('gives the same diagnostic from a catalog, as the designer compiles in the browser', () => {
    const fromCatalog = registryFromCatalog(JSON.parse(JSON.stringify(nodeCatalog(registry))));
    expect(leakage(NORMALIZE_THEN_SPLIT, fromCatalog)).toEqual(leakage(NORMALIZE_THEN_SPLIT));
    expect(leakage(NORMALIZE_THEN_SPLIT, fromCatalog)).toHaveLength(1);
  });
});
