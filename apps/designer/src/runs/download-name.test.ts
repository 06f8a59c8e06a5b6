import { describe, expect, it } from 'vitest';
import { type DownloadNameInput, downloadName, outputTypesOf } from './download-name.ts';

const iris: DownloadNameInput['outputTypes'] = [
  { stepId: 'iris', outputs: { table: 'table' } },
  { stepId: 'split', outputs: { train: 'table', test: 'table' } },
  { stepId: 'train', outputs: { model: 'model' } },
  { stepId: 'onnx', outputs: { onnx: 'onnx' } },
  { stepId: 'validate', outputs: { metrics: 'metrics' } },
  { stepId: 'importance', outputs: { metrics: 'metrics' } },
];

const name = (
  stepId: string,
  port: string,
  output: DownloadNameInput['output'],
  outputTypes = iris,
  pipeline = 'iris-classification',
) => downloadName({ pipeline, stepId, port, output, outputTypes });

describe('downloadName', () => {
  it('names the only output of its type after the pipeline', () => {
    expect(name('onnx', 'onnx', { type: 'onnx', storage: 'file' })).toBe('iris-classification.onnx');
    expect(
      name('train', 'model', { type: 'model', storage: 'file', mediaType: 'application/vnd.loom.model+json' }),
    ).toBe('iris-classification.json');
  });

  it('adds the step, then the port, where other outputs share the type', () => {
    expect(name('validate', 'metrics', { type: 'metrics', storage: 'json' })).toBe('iris-classification-validate.json');
    expect(name('iris', 'table', { type: 'table', storage: 'file' })).toBe('iris-classification-iris.parquet');
    expect(name('split', 'test', { type: 'table', storage: 'file' })).toBe('iris-classification-split-test.parquet');
    const diabetes = [
      { stepId: 'linear_onnx', outputs: { onnx: 'onnx' } },
      { stepId: 'mlp_onnx', outputs: { onnx: 'onnx' } },
    ];
    expect(name('mlp_onnx', 'onnx', { type: 'onnx', storage: 'file' }, diabetes, 'diabetes-regression')).toBe(
      'diabetes-regression-mlp_onnx.onnx',
    );
  });

  it('keeps to characters every file system takes, and leaves an unknown format without an extension', () => {
    expect(name('onnx', 'onnx', { type: 'onnx', storage: 'file' }, iris, 'Iris: v2 / final')).toBe(
      'Iris-v2-final.onnx',
    );
    expect(name('onnx', 'onnx', { type: 'onnx', storage: 'file' }, iris, '..')).toBe('output.onnx');
    expect(name('say', 'text', { type: 'text', storage: 'text' }, [])).toBe('iris-classification.txt');
    expect(name('pic', 'image', { type: 'image', storage: 'file', mediaType: 'image/png' }, [])).toBe(
      'iris-classification',
    );
  });
});

describe('outputTypesOf', () => {
  it("takes the plan's output types, else the outputs the steps recorded", () => {
    const plan = { steps: [{ id: 'onnx', outputs: { onnx: 'onnx' } }] } as never;
    expect(outputTypesOf(plan, {})).toEqual([{ stepId: 'onnx', outputs: { onnx: 'onnx' } }]);
    const steps = {
      onnx: { id: 'onnx', outputs: { onnx: { type: 'onnx', storage: 'file', sha256: 'a', size: 1 } } },
    } as never;
    expect(outputTypesOf(undefined, steps)).toEqual([{ stepId: 'onnx', outputs: { onnx: 'onnx' } }]);
  });
});
