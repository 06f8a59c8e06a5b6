import type { ModelFile } from '@loom/ml';
import { describe, expect, it } from 'vitest';
import { buildOnnxModel } from './build-model.ts';
import { checkParity } from './parity.ts';
import { EXAMPLE_SAMPLE_ROWS, exampleModels } from './testing/example-models.ts';

const models = exampleModels();

describe('checkParity', () => {
  it.each(Object.entries(models))('passes for the exported %s model, NULL rows included', async (_name, model) => {
    const result = await checkParity(model, buildOnnxModel(model));
    // Two imputed sources (age, city): one row with each NULL, one with both.
    expect(result.rows).toBe(EXAMPLE_SAMPLE_ROWS + 3);
    expect(result.passed).toBe(true);
    expect(result.maxAbsDifference).toBeLessThan(1e-5);
  });

  it('finds the worst probability when the ONNX model is another one', async () => {
    const model = models.logisticBinary as ModelFile;
    const estimator = model.estimator.kind === 'linear' ? model.estimator : undefined;
    const other: ModelFile = {
      ...model,
      // A small shift: probabilities move by up to 2.5e-4, too little to change any row's class here.
      estimator: {
        kind: 'linear',
        link: 'logistic',
        weights: estimator?.weights ?? [],
        intercepts: [(estimator?.intercepts[0] ?? 0) + 1e-3],
      },
    };
    const result = await checkParity(model, buildOnnxModel(other));
    expect(result.passed).toBe(false);
    expect(result.maxAbsDifference).toBeGreaterThan(1e-4);
    expect(result.worst?.output).toMatch(/^probabilities\[(no|yes)\]$/);
    expect(Math.abs((result.worst?.actual ?? 0) - (result.worst?.expected ?? 0))).toBe(result.maxAbsDifference);
  });

  it('reports a class that differs as the worst disagreement', async () => {
    const stump = (left: number[], right: number[]): ModelFile => ({
      ...(models.forestBinary as ModelFile),
      estimator: {
        kind: 'forest',
        trees: [
          { feature: [0, -1, -1], threshold: [0, 0, 0], left: [1, 0, 0], right: [2, 0, 0], value: [[], left, right] },
        ],
      },
    });
    const result = await checkParity(stump([0.9, 0.1], [0.2, 0.8]), buildOnnxModel(stump([0.1, 0.9], [0.8, 0.2])));
    expect(result.passed).toBe(false);
    expect(result.worst).toMatchObject({ row: 0, output: 'label' });
    expect(result.worst?.expected).not.toBe(result.worst?.actual);
  });

  it('judges large regression values relative to their size', async () => {
    const model: ModelFile = {
      ...(models.linearRegressionScaled as ModelFile),
      labelScale: { offset: 500_000, scale: 100_000 },
    };
    const result = await checkParity(model, buildOnnxModel(model));
    // float32 holds values near 500,000 to about 0.03.
    expect(result.maxAbsDifference).toBeGreaterThan(1e-4);
    expect(result.passed).toBe(true);
  });

  it('needs the sample columns of every required source', async () => {
    const model = models.mlpTanh as ModelFile;
    const { city: _city, ...sample } = model.sample;
    await expect(checkParity({ ...model, sample }, buildOnnxModel(model))).rejects.toThrow(
      "the model's sample lacks column 'city'",
    );
  });
});
