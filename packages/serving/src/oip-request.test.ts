import { describe, expect, it } from 'vitest';
import { decodeInferRequest, flattenData } from './oip-request.ts';
import type { OipModelMetadata } from './oip-types.ts';
import { RequestError } from './request-error.ts';

const metadata: Pick<OipModelMetadata, 'inputs' | 'outputs'> = {
  inputs: [
    { name: 'age', datatype: 'FP32', shape: [-1, 1] },
    { name: 'city', datatype: 'BYTES', shape: [-1, 1] },
  ],
  outputs: [
    { name: 'label', datatype: 'BYTES', shape: [-1] },
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
  ],
};

const age = (data: unknown[], shape: unknown = [data.length, 1]) => ({ name: 'age', datatype: 'FP32', shape, data });
const city = (data: unknown[], shape: unknown = [data.length, 1]) => ({ name: 'city', datatype: 'BYTES', shape, data });

/** The RequestError a body gives: its path, input and message. */
function refusal(body: unknown, options = {}): Pick<RequestError, 'path' | 'input' | 'message'> {
  try {
    decodeInferRequest(body, metadata, options);
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    return { path: error.path, input: error.input, message: error.message };
  }
  throw new Error('the request was accepted');
}

describe('decodeInferRequest', () => {
  it('turns inputs into feeds: null is NaN for numbers and "" for strings, nested data is flattened', () => {
    const decoded = decodeInferRequest(
      {
        id: 'req-1',
        inputs: [age([[31.5], [null], [-2]]), city(['Oslo', null, 'Lima'])],
        outputs: [{ name: 'label' }],
        parameters: { content_type: 'np' },
      },
      metadata,
    );
    expect(decoded).toEqual({
      id: 'req-1',
      rows: 3,
      outputs: ['label'],
      feeds: {
        age: { type: 'float32', data: Float32Array.of(31.5, Number.NaN, -2), dims: [3, 1] },
        city: { type: 'string', data: ['Oslo', '', 'Lima'], dims: [3, 1] },
      },
    });
    expect(decodeInferRequest({ inputs: [city(['x']), age([1])] }, metadata)).not.toHaveProperty('outputs');
  });

  it('names a missing, unknown or repeated input', () => {
    expect(refusal({ inputs: [age([1])] })).toEqual({
      path: 'inputs',
      input: 'city',
      message: "inputs: the model's input 'city' (BYTES, shape [-1, 1]) is missing",
    });
    expect(refusal({ inputs: [age([1]), city(['a']), { ...age([1]), name: 'agee' }] })).toEqual({
      path: 'inputs[2].name',
      input: 'agee',
      message: "inputs[2].name: the model has no input 'agee'; its inputs are age, city",
    });
    expect(refusal({ inputs: [age([1]), age([2])] }).message).toBe("inputs[1].name: input 'age' is given twice");
  });

  it('names a wrong datatype and what the input takes', () => {
    expect(refusal({ inputs: [{ ...age([1]), datatype: 'FP64' }, city(['a'])] })).toEqual({
      path: 'inputs[0].datatype',
      input: 'age',
      message: 'inputs[0].datatype: input \'age\' takes FP32, got the string "FP64"',
    });
  });

  it('names a shape that does not fit the model, or its data', () => {
    expect(refusal({ inputs: [age([1, 2], [2]), city(['a', 'b'])] }).message).toBe(
      "inputs[0].shape: input 'age' takes shape [-1, 1] (-1: any number of rows), got [2]",
    );
    expect(refusal({ inputs: [age([1, 2], [1, 2]), city(['a'])] }).message).toBe(
      "inputs[0].shape: input 'age' takes shape [-1, 1] (-1: any number of rows), got [1, 2]",
    );
    expect(refusal({ inputs: [age([1, 2, 3], [2, 1]), city(['a', 'b'])] })).toEqual({
      path: 'inputs[0].data',
      input: 'age',
      message: "inputs[0].data: input 'age' has shape [2, 1], which holds 2 elements, but its data has 3",
    });
    expect(refusal({ inputs: [age([1, 2]), city(['a'])] }).message).toBe(
      "inputs[1].shape: input 'city' has 1 rows but input 'age' has 2; every input needs the same rows",
    );
    expect(refusal({ inputs: [age([], [0, 1]), city([], [0, 1])] }).message).toBe(
      "inputs[0].shape: input 'age' has no rows",
    );
  });

  it('refuses non-finite numbers and elements of the wrong kind, naming the element', () => {
    // JSON has no Infinity, but 1e999 parses as one.
    const body = JSON.parse('{"inputs":[{"name":"age","datatype":"FP32","shape":[2,1],"data":[1,1e999]}]}');
    body.inputs.push(city(['a', 'b']));
    expect(refusal(body)).toEqual({
      path: 'inputs[0].data[1]',
      input: 'age',
      message: "inputs[0].data[1]: input 'age' takes finite numbers (null for a missing value), got Infinity",
    });
    expect(refusal({ inputs: [age(['12']), city(['a'])] }).message).toBe(
      'inputs[0].data[0]: input \'age\' takes finite numbers (null for a missing value), got the string "12"',
    );
    expect(refusal({ inputs: [age([1]), city([7])] }).message).toBe(
      "inputs[1].data[0]: input 'city' takes strings (null for a missing value), got 7",
    );
    // A [rows, 1] input takes its data flat or one list deep, and no deeper.
    expect(refusal({ inputs: [age([[[1]], [2]], [2, 1]), city(['a', 'b'])] }).message).toBe(
      "inputs[0].data[0]: input 'age' takes finite numbers (null for a missing value), got a list",
    );
  });

  it('refuses more rows than the limit', () => {
    const rows = Array.from({ length: 11 }, () => 1);
    expect(refusal({ inputs: [age(rows), city(rows.map(String))] }, { maxRows: 10 })).toEqual({
      path: 'inputs[0].shape',
      input: 'age',
      message: "inputs[0].shape: input 'age' has 11 rows, over the limit of 10 per request",
    });
  });

  it('names a malformed body, id or outputs', () => {
    expect(refusal([]).message).toBe("body: the request must be a JSON object with an 'inputs' list");
    expect(refusal({ inputs: [] }).message).toBe('inputs: must be a non-empty list of tensors, got a list');
    expect(refusal({ inputs: 'x' }).message).toBe('inputs: must be a non-empty list of tensors, got the string "x"');
    expect(refusal({ inputs: [7] }).message).toBe('inputs[0]: must be an object with name, shape, datatype and data');
    expect(refusal({ id: 4, inputs: [age([1]), city(['a'])] }).message).toBe('id: must be a string, got 4');
    expect(refusal({ inputs: [{ ...age([1]), data: 'x' }, city(['a'])] }).message).toBe(
      'inputs[0].data: input \'age\' needs its data as a list, got the string "x"',
    );
    expect(refusal({ inputs: [age([1]), city(['a'])], outputs: [{ name: 'score' }] }).message).toBe(
      "outputs[0].name: the model has no output 'score'; its outputs are label, probabilities",
    );
  });
});

describe('flattenData', () => {
  it('gives a flat list back as it is, and flattens nested lists to the depth asked', () => {
    const flat = [1, 2, 3];
    expect(flattenData(flat, 1)).toBe(flat);
    expect(flattenData([[1], [2, [3]]], 1)).toEqual([1, 2, [3]]);
    expect(flattenData([[1], [2, [3]]])).toEqual([1, 2, 3]);
    expect(flattenData([[1], [2]], 0)).toEqual([[1], [2]]);
  });
});
