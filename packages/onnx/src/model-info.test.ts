import { profileData } from '@loom/drift';
import { type ModelFile, requiredSources } from '@loom/ml';
import { describe, expect, it } from 'vitest';
import { buildOnnxModel } from './build-model.ts';
import { readOnnxModelInfo } from './model-info.ts';
import { decodeModel, encodeModel } from './onnx-proto.ts';
import { exampleModels } from './testing/example-models.ts';

const models = exampleModels();

describe('readOnnxModelInfo', () => {
  it('reads back what buildOnnxModel wrote, for classifiers and regressors', () => {
    const classifier = models.softmaxIntegerClasses as ModelFile;
    expect(readOnnxModelInfo(buildOnnxModel(classifier))).toEqual({
      task: 'classification',
      label: 'target',
      labelKind: 'number',
      classes: [1, 2, 3],
      inputs: requiredSources(classifier),
      trainedBy: 'test.logistic_regression',
    });
    const regressor = models.forestRegressor as ModelFile;
    expect(readOnnxModelInfo(buildOnnxModel(regressor))).toEqual({
      task: 'regression',
      label: 'target',
      labelKind: 'number',
      inputs: requiredSources(regressor),
      trainedBy: 'test.random_forest',
    });
  });

  it('writes the metadata in a fixed order, with nothing machine-dependent', () => {
    const props = decodeModel(buildOnnxModel(models.logisticBinary as ModelFile)).metadata_props;
    expect(props).toEqual([
      { key: 'loom.format', value: 'loom.onnx' },
      { key: 'loom.version', value: '1' },
      { key: 'loom.task', value: 'classification' },
      { key: 'loom.label', value: 'target' },
      { key: 'loom.labelKind', value: 'string' },
      { key: 'loom.classes', value: '["no","yes"]' },
      { key: 'loom.trainedBy', value: 'test.logistic_regression' },
      {
        key: 'loom.inputs',
        value:
          '[{"name":"age","kind":"number"},{"name":"income","kind":"number"},{"name":"city","kind":"string"},' +
          '{"name":"color","kind":"string"},{"name":"visits","kind":"number"}]',
      },
    ]);
  });

  it('carries the training baseline when the model has one', () => {
    const model = models.logisticBinary as ModelFile;
    const baseline = profileData({ age: [30, 40, 50], city: ['a', 'b', 'a'] }, ['yes', 'no', 'yes']);
    const bytes = buildOnnxModel({ ...model, baseline });
    expect(readOnnxModelInfo(bytes).baseline).toEqual(baseline);
    const loom = decodeModel(bytes);
    const broken = encodeModel({
      ...loom,
      metadata_props: loom.metadata_props.map((p) => (p.key === 'loom.baseline' ? { ...p, value: '{"a":1}' } : p)),
    });
    expect(() => readOnnxModelInfo(broken)).toThrow(/loom.baseline is not a Loom data profile/);
  });

  it('says so when a file is not a Loom export', () => {
    const loom = decodeModel(buildOnnxModel(models.logisticBinary as ModelFile));
    const foreign = encodeModel({ ...loom, producer_name: 'skl2onnx', metadata_props: [] });
    expect(() => readOnnxModelInfo(foreign)).toThrow(/not an ONNX model exported by Loom.*loom\.format/);
    expect(() => readOnnxModelInfo(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/not an ONNX model/);
    const future = encodeModel({
      ...loom,
      metadata_props: loom.metadata_props.map((p) => (p.key === 'loom.version' ? { ...p, value: '2' } : p)),
    });
    expect(() => readOnnxModelInfo(future)).toThrow(/version 2 is not supported/);
    const broken = encodeModel({
      ...loom,
      metadata_props: loom.metadata_props.map((p) => (p.key === 'loom.inputs' ? { ...p, value: '{' } : p)),
    });
    expect(() => readOnnxModelInfo(broken)).toThrow(/loom.inputs is not valid JSON/);
  });
});
