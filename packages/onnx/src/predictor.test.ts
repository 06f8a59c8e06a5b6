import { type ModelFile, predictModel } from '@loom/ml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxModel } from './build-model.ts';
import { OnnxPredictor } from './predictor.ts';
import { EXAMPLE_SAMPLE_ROWS, exampleModels, rawColumns } from './testing/example-models.ts';

const models = exampleModels();

describe('OnnxPredictor', () => {
  const classifier = models.mlpRelu as ModelFile;
  const columns = rawColumns(classifier);
  const rows = EXAMPLE_SAMPLE_ROWS;
  let predictor: OnnxPredictor;
  beforeAll(async () => {
    predictor = await OnnxPredictor.open(buildOnnxModel(classifier), { intraOpThreads: 1 });
  });
  afterAll(async () => {
    await predictor.close();
  });

  it('predicts what predictModel does, with the model’s own description', async () => {
    expect(predictor.info.classes).toEqual(['a', 'b', 'c']);
    const result = await predictor.predict(columns, rows);
    const expected = predictModel(classifier, columns, rows);
    expect(result.values).toBeUndefined();
    expect(Array.from(result.classIndex ?? [])).toEqual(Array.from(expected.classIndex ?? []));
    const want = expected.probabilities as Float64Array;
    (result.probabilities as Float64Array).forEach((p, i) => {
      expect(Math.abs(p - (want[i] as number))).toBeLessThanOrEqual(1e-5);
    });
  });

  it('gives the same result in batches of any size as in one batch', async () => {
    const whole = await predictor.predict(columns, rows, { batchSize: rows });
    for (const batchSize of [1, 7, 59]) {
      expect(await predictor.predict(columns, rows, { batchSize })).toEqual(whole);
    }
  });

  it('batches a forest exactly with one thread, and within float32 rounding with several', async () => {
    // onnxruntime splits a tree ensemble's work by batch size when it has several threads, which changes
    // the order its float32 sums add up the trees: the last bits then depend on the batch size.
    const forest = models.forestRegressor as ModelFile;
    const bytes = buildOnnxModel(forest);
    const forestColumns = rawColumns(forest);
    for (const intraOpThreads of [1, 4]) {
      const regressor = await OnnxPredictor.open(bytes, { intraOpThreads });
      try {
        const whole = (await regressor.predict(forestColumns, rows)).values as Float64Array;
        expect(whole).toHaveLength(rows);
        for (const batchSize of [1, 8]) {
          const batched = (await regressor.predict(forestColumns, rows, { batchSize })).values as Float64Array;
          if (intraOpThreads === 1) expect(batched).toEqual(whole);
          else
            for (const [r, v] of batched.entries()) {
              expect(Math.abs(v - (whole[r] as number))).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v)));
            }
        }
      } finally {
        await regressor.close();
      }
    }
  });

  it('lets the event loop run between batches and stops when the signal aborts', async () => {
    const controller = new AbortController();
    let turns = 0;
    const tick = () => {
      turns++;
      if (turns === 3) controller.abort(new Error('stopped by the test'));
      else setImmediate(tick);
    };
    setImmediate(tick);
    await expect(predictor.predict(columns, rows, { batchSize: 1, signal: controller.signal })).rejects.toThrow(
      'stopped by the test',
    );
    expect(turns).toBe(3);
    await expect(predictor.predict(columns, rows, { signal: controller.signal })).rejects.toThrow(
      'stopped by the test',
    );
  });

  it('names missing, short or mistyped input columns', async () => {
    const { city: _city, ...withoutCity } = columns;
    await expect(predictor.predict(withoutCity, rows)).rejects.toThrow("missing input column 'city'");
    await expect(predictor.predict(columns, rows + 1)).rejects.toThrow(`has ${rows} rows, expected ${rows + 1}`);
    await expect(predictor.predict({ ...columns, age: ['1'] }, 1)).rejects.toThrow("'age' must be a Float64Array");
    await expect(predictor.predict(columns, rows, { batchSize: 0 })).rejects.toThrow(/batchSize/);
  });

  it('refuses bytes that are not a Loom export', async () => {
    await expect(OnnxPredictor.open(new Uint8Array([8, 8]))).rejects.toThrow(/not an ONNX model exported by Loom/);
  });
});
