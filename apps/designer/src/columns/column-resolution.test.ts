import type { PipelineDocument } from '@loom/graph';
import { describe, expect, it } from 'vitest';
import { emptyDocument } from '../store/document-slice.ts';
import { testCatalog } from '../test-fixtures/test-catalog.ts';
import {
  closestColumns,
  columnParamsOf,
  columnsOfInput,
  type KnownColumns,
  NO_KNOWN_COLUMNS,
  outputKey,
  unknownColumnProblems,
} from './column-resolution.ts';

const { catalog } = testCatalog();
const IRIS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'];

/** csv → split → (train) logistic regression, and csv → select. */
function irisDocument(label: unknown, columns: unknown = ['species']): PipelineDocument {
  return {
    ...emptyDocument('iris'),
    nodes: [
      { id: 'iris', type: 'data.csv', version: '1.0.0', params: { path: 'iris.csv' } },
      { id: 'split', type: 'transform.split', version: '1.0.0', params: {} },
      { id: 'train', type: 'train.logistic_regression', version: '1.0.0', params: { label } },
      { id: 'select', type: 'transform.select', version: '1.0.0', params: { columns } },
    ],
    edges: [
      { from: { node: 'iris', port: 'table' }, to: { node: 'split', port: 'table' } },
      { from: { node: 'split', port: 'train' }, to: { node: 'train', port: 'table' } },
      { from: { node: 'iris', port: 'table' }, to: { node: 'select', port: 'table' } },
    ],
  } as PipelineDocument;
}

const fromFile: KnownColumns = { outputs: new Map(), files: new Map([['iris.csv', IRIS]]) };

describe('columnParamsOf', () => {
  it('lists the parameters a node type marks as naming columns, and of which input', () => {
    const entry = (type: string) => catalog.nodes.find((node) => node.type === type);
    expect(columnParamsOf(entry('train.logistic_regression') as never)).toEqual([
      { name: 'label', input: 'table', many: false },
    ]);
    expect(columnParamsOf(entry('transform.select') as never)).toEqual([
      { name: 'columns', input: 'table', many: true },
    ]);
    expect(columnParamsOf(entry('transform.join') as never)).toEqual([]);
  });
});

describe('columnsOfInput', () => {
  it("reads a source file's preview through outputs that keep their input's columns", () => {
    expect(columnsOfInput(irisDocument('species'), catalog, fromFile, 'train', 'table')).toEqual({
      columns: IRIS,
      source: 'file',
      nodeId: 'iris',
    });
  });

  it("prefers what the shown run wrote to the file's preview", () => {
    const known: KnownColumns = { ...fromFile, outputs: new Map([[outputKey('split', 'train'), ['a', 'species']]]) };
    expect(columnsOfInput(irisDocument('species'), catalog, known, 'train', 'table')).toEqual({
      columns: ['a', 'species'],
      source: 'run',
      nodeId: 'split',
    });
  });

  it('knows nothing without a run or a preview, nor for an unconnected input', () => {
    expect(columnsOfInput(irisDocument('species'), catalog, NO_KNOWN_COLUMNS, 'train', 'table')).toBeUndefined();
    const document = irisDocument('species');
    document.edges = [];
    expect(columnsOfInput(document, catalog, fromFile, 'train', 'table')).toBeUndefined();
  });
});

describe('closestColumns', () => {
  it('suggests names within a few edits, closest first, ignoring case', () => {
    expect(closestColumns('specis', IRIS)).toEqual(['species']);
    expect(closestColumns('Petal_Width', IRIS)).toEqual(['petal_width', 'sepal_width']);
    expect(closestColumns('zzz', IRIS)).toEqual([]);
  });
});

describe('unknownColumnProblems', () => {
  it('flags a misspelt column at its parameter, suggesting the closest and listing the columns', () => {
    const problems = unknownColumnProblems(irisDocument('specis', ['species', 'petal_lenght']), catalog, fromFile);
    expect(problems).toEqual([
      {
        code: 'param.unknown-column',
        severity: 'warning',
        nodeId: 'train',
        path: '/nodes/2/params/label',
        message: `label: no column "specis" in the table reaching "table" (from the file read by "iris"); did you mean "species"? its columns: ${IRIS.join(', ')}`,
      },
      expect.objectContaining({
        nodeId: 'select',
        path: '/nodes/3/params/columns/1',
        message: expect.stringContaining('no column "petal_lenght"'),
      }),
    ]);
  });

  it('passes known columns, bound parameters, empty names and tables it knows nothing of', () => {
    expect(unknownColumnProblems(irisDocument('species'), catalog, fromFile)).toEqual([]);
    expect(unknownColumnProblems(irisDocument({ $param: 'label' }), catalog, fromFile)).toEqual([]);
    expect(unknownColumnProblems(irisDocument(''), catalog, fromFile)).toEqual([]);
    expect(unknownColumnProblems(irisDocument('specis'), catalog, NO_KNOWN_COLUMNS)).toEqual([]);
  });
});
