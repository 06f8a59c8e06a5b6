import type { OnnxModelInfo } from '@loom/onnx';
import type { OipModelMetadata } from '@loom/serving';
import { describe, expect, it } from 'vitest';
import { loggedInputs, loggedTensorPredictions } from './inference-log.ts';

const metadata: Pick<OipModelMetadata, 'inputs'> = {
  inputs: [
    { name: 'age', datatype: 'FP32', shape: [-1, 1] },
    { name: 'city', datatype: 'BYTES', shape: [-1, 1] },
  ],
};

const classifier: OnnxModelInfo = {
  task: 'classification',
  label: 'churned',
  labelKind: 'string',
  classes: ['no', 'yes'],
  inputs: [],
  trainedBy: 'train.logistic_regression',
};

describe('loggedInputs', () => {
  it('keeps the row form column by column, null for what is not a number or string', () => {
    const body = {
      rows: [
        { age: 31, city: 'Oslo', extra: 1 },
        { age: null, city: 'Lima' },
      ],
    };
    expect(loggedInputs(body, true, metadata)).toEqual({ age: [31, null], city: ['Oslo', 'Lima'] });
  });

  it('keeps tensor data flat whether it came flat or nested, row-aligned', () => {
    const flat = {
      inputs: [
        { name: 'age', data: [31, 40] },
        { name: 'city', data: ['Oslo', null] },
      ],
    };
    const nested = {
      inputs: [
        { name: 'age', data: [[31], [40]] },
        { name: 'city', data: [['Oslo'], [null]] },
      ],
    };
    const expected = { age: [31, 40], city: ['Oslo', null] };
    expect(loggedInputs(flat, false, metadata)).toEqual(expected);
    expect(loggedInputs(nested, false, metadata)).toEqual(expected);
  });
});

describe('loggedTensorPredictions', () => {
  it("gives each row its label and its classes' probabilities", () => {
    const outputs = {
      label: { type: 'string' as const, data: ['yes', 'no'], dims: [2] },
      probabilities: { type: 'float32' as const, data: Float32Array.of(0.25, 0.75, 0.5, 0.5), dims: [2, 2] },
    };
    expect(loggedTensorPredictions(outputs, classifier, 2)).toEqual([
      { label: 'yes', probabilities: { no: 0.25, yes: 0.75 } },
      { label: 'no', probabilities: { no: 0.5, yes: 0.5 } },
    ]);
  });

  it('gives only what the request asked for', () => {
    const outputs = { label: { type: 'string' as const, data: ['yes'], dims: [1] } };
    expect(loggedTensorPredictions(outputs, classifier, 1)).toEqual([{ label: 'yes' }]);
  });
});
