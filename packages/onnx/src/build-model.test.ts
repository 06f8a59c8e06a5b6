import { type ModelFile, predictModel, preprocess, requiredSources } from '@loom/ml';
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildOnnxModel } from './build-model.ts';
import { decodeModel } from './onnx-proto.ts';
import { EXAMPLE_SAMPLE_ROWS, exampleModels, rawColumns } from './testing/example-models.ts';
import { expectOnnxCheckerPasses } from './testing/onnx-checker.ts';
import { runOnnx } from './testing/run-onnx.ts';

const models = exampleModels();

describe.each(Object.entries(models))('the exported %s model', (_name, model) => {
  const bytes = buildOnnxModel(model);
  const columns = rawColumns(model);
  const rows = EXAMPLE_SAMPLE_ROWS;

  it('runs in onnxruntime and predicts what predictModel does, within 1e-5', async () => {
    const outputs = await runOnnx(bytes, columns, rows);
    const expected = predictModel(model, columns, rows);
    if (model.task === 'regression') {
      const values = outputs.variable as ort.Tensor;
      expect(values.dims).toEqual([rows, 1]);
      const want = expected.values as Float64Array;
      (values.data as Float32Array).forEach((v, r) => {
        expect(Math.abs(v - (want[r] as number))).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[r] as number)));
      });
      return;
    }
    const classes = model.classes ?? [];
    const probabilities = outputs.probabilities as ort.Tensor;
    expect(probabilities.dims).toEqual([rows, classes.length]);
    const want = expected.probabilities as Float64Array;
    (probabilities.data as Float32Array).forEach((p, i) => {
      expect(Math.abs(p - (want[i] as number))).toBeLessThanOrEqual(1e-5);
    });
    const labels = Array.from((outputs.label as ort.Tensor).data as ArrayLike<unknown>, (v) =>
      typeof v === 'bigint' ? Number(v) : v,
    );
    expect(labels).toEqual(Array.from(expected.classIndex ?? [], (c) => classes[c]));
  });

  it('passes onnx.checker with full_check', async (context) => {
    await expectOnnxCheckerPasses(bytes, (note) => context.skip(note));
  });

  it('rebuilds byte for byte from an equal model file', () => {
    expect(buildOnnxModel(structuredClone(model))).toEqual(bytes);
  });

  it('takes exactly the required source columns as [N, 1] inputs', () => {
    const { graph } = decodeModel(bytes);
    const sources = requiredSources(model);
    expect(sources.map((s) => s.name).sort()).toEqual(['age', 'city', 'color', 'income', 'visits']);
    expect(graph.input.map((input) => [input.name, input.type.tensor_type.elem_type])).toEqual(
      sources.map((s) => [s.name, s.kind === 'number' ? 1 : 8]),
    );
    for (const input of graph.input)
      expect(input.type.tensor_type.shape.dim).toEqual([{ dim_param: 'N' }, { dim_value: 1 }]);
  });
});

describe('buildOnnxModel', () => {
  it('declares opset 17, IR version 8 and ai.onnx.ml only where the graph uses it', () => {
    const ml = decodeModel(buildOnnxModel(models.forestBinary as ModelFile));
    expect(ml).toMatchObject({ ir_version: 8, producer_name: 'loom' });
    expect(ml.opset_import).toEqual([
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ]);
    const numeric: ModelFile = {
      ...(models.logisticBinary as ModelFile),
      features: ['age', 'income'],
      estimator: { kind: 'linear', link: 'logistic', weights: [[0.5, -0.25]], intercepts: [0.1] },
    };
    expect(decodeModel(buildOnnxModel(numeric)).opset_import).toEqual([{ domain: '', version: 17 }]);
  });

  it('types the label output as the classes are: strings, int64 for integers, double otherwise', () => {
    const labelType = (model: ModelFile) =>
      decodeModel(buildOnnxModel(model)).graph.output.find((o) => o.name === 'label')?.type.tensor_type.elem_type;
    expect(labelType(models.logisticBinary as ModelFile)).toBe(8);
    expect(labelType(models.softmaxIntegerClasses as ModelFile)).toBe(7);
    expect(labelType(models.forestThreeClasses as ModelFile)).toBe(11);
  });

  it('trees see sample rows exactly on their float32 thresholds, the scaled age feature included', () => {
    for (const name of ['forestBinary', 'forestThreeClasses', 'forestRegressor']) {
      const model = models[name] as ModelFile;
      const x = preprocess(model, rawColumns(model), EXAMPLE_SAMPLE_ROWS);
      const onThreshold = new Set<number>();
      if (model.estimator.kind !== 'forest') throw new Error(`${name} is not a forest`);
      for (const tree of model.estimator.trees) {
        tree.feature.forEach((feature, node) => {
          if (feature < 0) return;
          for (let r = 0; r < x.rows; r++)
            if (x.data[r * x.cols + feature] === tree.threshold[node]) onThreshold.add(feature);
        });
      }
      // Feature 0 is age, imputed and scaled.
      expect(onThreshold.has(0)).toBe(true);
    }
  });

  it('refuses models it cannot export faithfully', () => {
    const base = models.logisticBinary as ModelFile;
    expect(() => buildOnnxModel({ ...base, classes: ['a', 'b', 'c'] })).toThrow(/1 outputs for 3 classes/);
    expect(() => buildOnnxModel({ ...base, features: [] })).toThrow(/no features/);
    const clash: ModelFile = {
      ...base,
      lineage: { ...base.lineage, sources: [...base.lineage.sources, { name: 'label', kind: 'number' }] },
      features: [...base.features, 'label'],
      estimator: {
        kind: 'linear',
        link: 'logistic',
        weights: [[...Array(base.features.length).fill(0), 1]],
        intercepts: [0],
      },
    };
    expect(() => buildOnnxModel(clash)).toThrow(/source column 'label' has the name of an ONNX output/);
    const regression = models.linearRegressionScaled as ModelFile;
    expect(() =>
      buildOnnxModel({
        ...regression,
        estimator: { kind: 'linear', link: 'logistic', weights: [[1]], intercepts: [0] },
      }),
    ).toThrow(/identity output/);
  });
});
