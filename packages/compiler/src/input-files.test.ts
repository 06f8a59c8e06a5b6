import type { PipelineDocument } from '@loom/graph';
import { defineNode, inputFile, NodeRegistry, nodeCatalog, output, registryFromCatalog, Type } from '@loom/sdk';
import { describe, expect, it } from 'vitest';
import { inputFileReferences, missingInputFile } from './input-files.ts';

const unused = async (): Promise<never> => {
  throw new Error('compiler fixtures are never run');
};

const reader = defineNode({
  type: 'test.read',
  version: '1.0.0',
  title: 'Read',
  description: 'Reads a file, and waits for another.',
  category: 'data',
  params: Type.Object({
    path: inputFile({ description: 'The file.' }),
    // Named like a file, but one the node waits for: not an input file.
    ready_file: Type.String({ default: 'done.flag' }),
  }),
  outputs: { table: output('table') },
  run: unused,
});
const registry = new NodeRegistry([{ definition: reader, source: 'test' }]);

function documentWith(paths: unknown[], parameters: PipelineDocument['parameters'] = {}): PipelineDocument {
  return {
    format: 'loom.pipeline',
    formatVersion: 2,
    name: 'files',
    parameters,
    nodes: paths.map((path, index) => ({
      id: `read${index}`,
      type: 'test.read',
      version: '1.0.0',
      params: { path, ready_file: 'x.csv' },
    })),
    edges: [],
  } as PipelineDocument;
}

describe('inputFileReferences', () => {
  it('names each input-file parameter with its node and pointer, leaving out URLs and other strings', () => {
    const document = documentWith(['data/iris.csv', 'https://example.com/iris.csv', '/abs/x.parquet']);
    expect(inputFileReferences(document, registry)).toEqual([
      { nodeId: 'read0', param: 'path', path: 'data/iris.csv', pointer: '/nodes/0/params/path' },
      { nodeId: 'read2', param: 'path', path: '/abs/x.parquet', pointer: '/nodes/2/params/path' },
    ]);
  });

  it('follows a pipeline parameter to the run’s value, else its default', () => {
    const document = documentWith([{ $param: 'source' }], { source: { type: 'string', default: 'default.csv' } });
    expect(inputFileReferences(document, registry).map((r) => r.path)).toEqual(['default.csv']);
    expect(inputFileReferences(document, registry, { source: 'given.csv' }).map((r) => r.path)).toEqual(['given.csv']);
    const unset = documentWith([{ $param: 'source' }], { source: { type: 'string' } });
    expect(inputFileReferences(unset, registry)).toEqual([]);
  });

  it('reads the marker from a catalog’s JSON schema, as the designer gets it', () => {
    const fromCatalog = registryFromCatalog(nodeCatalog(registry));
    expect(inputFileReferences(documentWith(['a.csv']), fromCatalog)).toHaveLength(1);
  });

  it('skips nodes of unknown types: the compiler reports those', () => {
    const document = documentWith(['a.csv']);
    document.nodes[0] = { ...document.nodes[0], type: 'test.unknown' } as PipelineDocument['nodes'][number];
    expect(inputFileReferences(document, registry)).toEqual([]);
  });
});

describe('missingInputFile', () => {
  const reference = { nodeId: 'iris', param: 'path', path: 'iris.csv', pointer: '/nodes/0/params/path' };

  it('says where it looked and what exists of that name', () => {
    expect(
      missingInputFile(reference, { looked: ['/repo/iris.csv'], suggestions: ['examples/iris/iris.csv'] }),
    ).toEqual({
      code: 'data.file-missing',
      severity: 'error',
      nodeId: 'iris',
      path: '/nodes/0/params/path',
      message:
        'path "iris.csv" of node "iris" names no file: looked for /repo/iris.csv; did you mean "examples/iris/iris.csv"?',
    });
  });

  it('lists every place looked and every suggestion', () => {
    const { message } = missingInputFile(reference, {
      looked: ['/a/iris.csv', '/b/iris.csv'],
      suggestions: ['x', 'y'],
    });
    expect(message).toBe(
      'path "iris.csv" of node "iris" names no file: looked for /a/iris.csv, /b/iris.csv; did you mean "x" or "y"?',
    );
    expect(missingInputFile(reference, { looked: ['/a/iris.csv'], suggestions: [] }).message).toBe(
      'path "iris.csv" of node "iris" names no file: looked for /a/iris.csv',
    );
  });
});
