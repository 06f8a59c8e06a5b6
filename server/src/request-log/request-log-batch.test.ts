import { describe, expect, it } from 'vitest';
import type { InferenceLogEntry } from '../model-server/request-log-types.ts';
import { RequestLogBatchBuilder } from './request-log-batch.ts';

const at = new Date('2026-12-07T09:15:00.000Z');

function entry(overrides: Partial<InferenceLogEntry>): InferenceLogEntry {
  return { model: 'm', version: 1, at, latencyMs: 2, inputs: {}, predictions: [{ value: 1 }], ...overrides };
}

describe('RequestLogBatchBuilder', () => {
  it('builds columns entry by entry: numbers until a string, dictionary codes, class sets', () => {
    const builder = new RequestLogBatchBuilder('m', 1, 0);
    builder.add(
      entry({
        requestId: 'a',
        inputs: { x: [1, Number.NaN], city: [3, null] },
        predictions: [
          { label: 'yes', probabilities: { no: 0.2, yes: 0.8 } },
          { label: 'no', probabilities: { no: 0.6, yes: 0.4 } },
        ],
      }),
    );
    builder.add(
      entry({
        inputs: { city: ['Oslo'], extra: [5] },
        predictions: [{ label: 2, probabilities: { 1: 0.1, 2: 0.9 } }],
      }),
    );
    for (let i = 0; i < 100; i++) builder.add(entry({ inputs: { x: [i] }, predictions: [{ value: i }] }));
    const { batch, transfer } = builder.finish();
    expect(batch.rows).toBe(103);
    expect(Array.from(batch.at.subarray(0, 3))).toEqual([at.getTime(), at.getTime(), at.getTime()]);
    expect(batch.requestId).toMatchObject({ kind: 'string', dictionary: ['a'] });
    expect(Array.from((batch.requestId as { codes: Int32Array }).codes.subarray(0, 4))).toEqual([0, 0, -1, -1]);
    const inputs = Object.fromEntries(batch.inputs.map((input) => [input.name, input.column]));
    expect(Object.keys(inputs)).toEqual(['x', 'city', 'extra']);
    const x = inputs.x as { kind: 'number'; values: Float64Array };
    expect([x.kind, x.values[0], x.values[1], x.values[2], x.values[3], x.values[102]]).toEqual([
      'number',
      1,
      Number.NaN,
      Number.NaN,
      0,
      99,
    ]);
    // One string makes the column text; the numbers before it are kept as text.
    const city = inputs.city as { kind: 'string'; codes: Int32Array; dictionary: string[] };
    expect(city.kind).toBe('string');
    expect(Array.from(city.codes.subarray(0, 4)).map((code) => city.dictionary[code] ?? null)).toEqual([
      '3',
      null,
      'Oslo',
      null,
    ]);
    // Rows labelled anywhere make the prediction text, numeric labels and values included.
    const prediction = batch.prediction as { kind: 'string'; codes: Int32Array; dictionary: string[] };
    expect(Array.from(prediction.codes.subarray(0, 4)).map((code) => prediction.dictionary[code])).toEqual([
      'yes',
      'no',
      '2',
      '0',
    ]);
    expect(batch.classSets).toEqual([
      ['no', 'yes'],
      ['1', '2'],
    ]);
    expect(Array.from(batch.classSet.subarray(0, 4))).toEqual([0, 0, 1, -1]);
    expect(Array.from(batch.probabilities)).toEqual([0.2, 0.8, 0.6, 0.4, 0.1, 0.9]);
    // Every array travels by transfer.
    expect(transfer).toHaveLength(4 + 2 + 3);
  });

  it('leaves the batch as it was when an entry cannot be added', () => {
    const builder = new RequestLogBatchBuilder('m', 1, 0);
    builder.add(entry({ inputs: { x: [1] }, predictions: [{ label: 'a', probabilities: { a: 1 } }] }));
    expect(() =>
      builder.add(
        entry({
          requestId: 'bad',
          inputs: { x: [2, 3], y: [4, 5] },
          predictions: [
            { label: 'a', probabilities: { a: 0.5 } },
            { label: 'b', probabilities: { a: 'x' as never } },
          ],
        }),
      ),
    ).toThrow('the probability of class "a" is string, not a number');
    builder.add(entry({ inputs: {}, predictions: [{ value: 7 }] }));
    const { batch } = builder.finish();
    expect(batch.rows).toBe(2);
    expect(batch.inputs.map((input) => input.name)).toEqual(['x']);
    const [x] = batch.inputs;
    expect(Number.isNaN((x?.column as { values: Float64Array } | undefined)?.values[1])).toBe(true);
    expect(Array.from(batch.classSet)).toEqual([0, -1]);
    expect(Array.from(batch.probabilities)).toEqual([1]);
    expect(Array.from((batch.requestId as { codes: Int32Array }).codes)).toEqual([-1, -1]);
  });
});
