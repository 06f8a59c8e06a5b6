import { readOnnxModelInfo } from '@loom/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferencePool } from './inference-pool.ts';
import { modelMetadata } from './oip-metadata.ts';
import { decodeInferRequest } from './oip-request.ts';
import { encodeInferResponse } from './oip-response.ts';
import type { OipModelMetadata } from './oip-types.ts';
import { RequestError } from './request-error.ts';
import { decodeRowsRequest, encodeRowsResponse } from './row-form.ts';
import { diabetesExample, irisExample, type TrainedExample } from './testing/index.ts';

let pool: InferencePool;
let iris: TrainedExample;
let diabetes: TrainedExample;

beforeAll(async () => {
  [iris, diabetes] = await Promise.all([irisExample(), diabetesExample()]);
  pool = new InferencePool({ size: 1 });
  await Promise.all([pool.load('iris@1', iris.onnx), pool.load('diabetes@1', diabetes.onnx)]);
});

afterAll(() => pool.close());

/** Row `r` of an example's data as a row-form object. */
function row(example: TrainedExample, r: number): Record<string, number> {
  return Object.fromEntries(Object.entries(example.columns).map(([name, values]) => [name, values[r] as number]));
}

describe('the row form', () => {
  it('predicts a label and a probability per class for each row of a classifier', async () => {
    const info = readOnnxModelInfo(iris.onnx);
    const metadata = modelMetadata('iris', ['1'], info);
    // A label column copied along with the row is ignored.
    const rows = [0, 60, 120].map((r) => ({ ...row(iris, r), species: 'ignored' }));
    const { id, feeds } = decodeRowsRequest({ id: 'batch-7', rows }, metadata);
    const response = encodeRowsResponse(
      { modelName: 'iris', modelVersion: '1', id },
      await pool.infer('iris@1', feeds),
      info,
    );
    expect(response.model_name).toBe('iris');
    expect(response.model_version).toBe('1');
    expect(response.id).toBe('batch-7');
    expect(response.predictions.map((p) => ('label' in p ? p.label : undefined))).toEqual([
      'setosa',
      'versicolor',
      'virginica',
    ]);
    for (const prediction of response.predictions) {
      if (!('probabilities' in prediction)) throw new Error('a classifier gives probabilities');
      expect(Object.keys(prediction.probabilities)).toEqual(['setosa', 'versicolor', 'virginica']);
      const values = Object.values(prediction.probabilities);
      expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(prediction.probabilities[prediction.label]).toBe(Math.max(...values));
    }
  });

  it('predicts a value for each row of a regressor, the same as the tensor form', async () => {
    const info = readOnnxModelInfo(diabetes.onnx);
    const metadata = modelMetadata('diabetes', ['1'], info);
    const rows = [0, 1, 2].map((r) => row(diabetes, r));
    const { feeds, rows: count } = decodeRowsRequest({ rows }, metadata);
    expect(count).toBe(3);
    const response = encodeRowsResponse(
      { modelName: 'diabetes', modelVersion: '1' },
      await pool.infer('diabetes@1', feeds),
      info,
    );
    expect(response).not.toHaveProperty('id');

    const inputs = metadata.inputs.map((input) => ({
      name: input.name,
      datatype: input.datatype,
      shape: [3, 1],
      data: rows.map((r) => r[input.name]),
    }));
    const tensor = decodeInferRequest({ inputs }, metadata);
    const answer = encodeInferResponse(
      { modelName: 'diabetes', modelVersion: '1' },
      await pool.infer('diabetes@1', tensor.feeds),
    );
    expect(answer.outputs).toEqual([{ name: 'variable', datatype: 'FP32', shape: [3, 1], data: expect.any(Array) }]);
    expect(response.predictions).toEqual(answer.outputs[0]?.data.map((value) => ({ value })));
    // A linear model on the diabetes data predicts progression in its range (25 to 346).
    for (const p of response.predictions) expect('value' in p && p.value > 0 && p.value < 400).toBe(true);
  });

  it('names the row and column of a bad value, and a missing column', () => {
    const metadata: Pick<OipModelMetadata, 'inputs'> = {
      inputs: [
        { name: 'age', datatype: 'FP32', shape: [-1, 1] },
        { name: 'city', datatype: 'BYTES', shape: [-1, 1] },
      ],
    };
    const refusal = (body: unknown, options = {}) => {
      try {
        decodeRowsRequest(body, metadata, options);
      } catch (error) {
        if (error instanceof RequestError) return error.message;
        throw error;
      }
      throw new Error('accepted');
    };
    expect(decodeRowsRequest({ rows: [{ age: null, city: null }] }, metadata).feeds).toEqual({
      age: { type: 'float32', data: Float32Array.of(Number.NaN), dims: [1, 1] },
      city: { type: 'string', data: [''], dims: [1, 1] },
    });
    expect(refusal({ rows: [{ age: 1, city: 'a' }, { city: 'b' }] })).toBe(
      "rows[1]: has no 'age': every row needs each input column (null for a missing value)",
    );
    expect(
      refusal({
        rows: [
          { age: 1, city: 'a' },
          { age: 'old', city: 'b' },
        ],
      }),
    ).toBe('rows[1].age: input \'age\' takes finite numbers (null for a missing value), got the string "old"');
    expect(refusal({ rows: [{ age: 1, city: 3 }] })).toBe(
      "rows[0].city: input 'city' takes strings (null for a missing value), got 3",
    );
    expect(refusal({ rows: [{ age: 1, city: 'a' }, 'x'] })).toBe(
      'rows[1]: must be an object of column values, got the string "x"',
    );
    expect(refusal({ rows: [] })).toBe('rows: must be a non-empty list of objects, got a list');
    expect(refusal({ inputs: [] })).toBe('rows: must be a non-empty list of objects, got nothing');
    expect(refusal({ rows: [{}, {}, {}] }, { maxRows: 2 })).toBe('rows: 3 rows is over the limit of 2 per request');
  });
});

describe('encodeInferResponse', () => {
  it('writes every tensor type as JSON values, flat, with its shape and datatype', () => {
    expect(
      encodeInferResponse(
        { modelName: 'm', modelVersion: '2', id: 'r' },
        {
          label: { type: 'int64', data: BigInt64Array.of(3n, 1n), dims: [2] },
          flag: { type: 'bool', data: Uint8Array.of(1, 0), dims: [2] },
          p: { type: 'float32', data: Float32Array.of(0.5, 0.25, Number.NaN, 1), dims: [2, 2] },
          name: { type: 'string', data: ['a', 'b'], dims: [2, 1] },
        },
      ),
    ).toEqual({
      model_name: 'm',
      model_version: '2',
      id: 'r',
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [2], data: [3, 1] },
        { name: 'flag', datatype: 'BOOL', shape: [2], data: [true, false] },
        { name: 'p', datatype: 'FP32', shape: [2, 2], data: [0.5, 0.25, Number.NaN, 1] },
        { name: 'name', datatype: 'BYTES', shape: [2, 1], data: ['a', 'b'] },
      ],
    });
  });
});
