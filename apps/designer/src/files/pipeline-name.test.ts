import type { PipelineDocument } from '@loom/graph';
import { describe, expect, it } from 'vitest';
import { emptyDocument } from '../store/document-slice.ts';
import { needsName, suggestPipelineName, UNTITLED } from './pipeline-name.ts';

function withNodes(...nodes: Array<[string, Record<string, unknown>?]>): PipelineDocument {
  return {
    ...emptyDocument(),
    nodes: nodes.map(([type, params], index) => ({ id: `n${index}`, type, version: '1.0.0', params: params ?? {} })),
  };
}

describe('suggestPipelineName', () => {
  it('names a pipeline by the file it reads and what it trains', () => {
    expect(
      suggestPipelineName(
        withNodes(['data.csv', { path: 'examples/iris/Iris Data.csv.gz' }], ['train.logistic_regression']),
      ),
    ).toBe('iris-data-logistic-regression');
    expect(suggestPipelineName(withNodes(['data.parquet', { path: 'sales.parquet' }], ['transform.split']))).toBe(
      'sales',
    );
    expect(suggestPipelineName(withNodes(['train.random_forest']))).toBe('random-forest');
  });

  it('falls back to untitled-pipeline', () => {
    expect(suggestPipelineName(withNodes(['transform.split']))).toBe(UNTITLED);
    expect(suggestPipelineName(withNodes(['data.csv', { path: { $param: 'file' } }]))).toBe(UNTITLED);
  });
});

describe('needsName', () => {
  const unsaved = { pipelineId: undefined, version: undefined, saved: undefined };
  it('asks only for a never-saved document that still has the default name', () => {
    expect(needsName(emptyDocument(), unsaved)).toBe(true);
    expect(needsName(emptyDocument('iris'), unsaved)).toBe(false);
    expect(needsName(emptyDocument(), { ...unsaved, pipelineId: 'abc', version: 1 })).toBe(false);
  });
});
