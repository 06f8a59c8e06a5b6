import { buildOnnxModel, readOnnxModelInfo } from '@loom/onnx';
import { exampleModels } from '@loom/onnx/testing';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { modelMetadata } from './oip-metadata.ts';
import { DATATYPE_OF } from './oip-types.ts';
import { irisExample } from './testing/index.ts';

describe('modelMetadata', () => {
  it('describes a Loom classifier: one [-1, 1] input per column, its label and probabilities', async () => {
    const iris = await irisExample();
    expect(modelMetadata('iris', ['1', '2'], readOnnxModelInfo(iris.onnx))).toEqual({
      name: 'iris',
      versions: ['1', '2'],
      platform: 'onnxruntime',
      inputs: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'].map((name) => ({
        name,
        datatype: 'FP32',
        shape: [-1, 1],
      })),
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
      ],
    });
  });

  it('gives the datatypes onnxruntime reads from every example model, string inputs and number classes included', async () => {
    for (const [name, model] of Object.entries(exampleModels())) {
      const bytes = buildOnnxModel(model);
      const metadata = modelMetadata(name, ['1'], readOnnxModelInfo(bytes));
      const session = await ort.InferenceSession.create(bytes);
      const fromSession = (values: readonly ort.InferenceSession.ValueMetadata[]) =>
        values.map((value) => ({
          name: value.name,
          datatype: value.isTensor ? DATATYPE_OF[value.type as keyof typeof DATATYPE_OF] : 'non-tensor',
          shape: value.isTensor ? value.shape.map((dim) => (typeof dim === 'number' ? dim : -1)) : [],
        }));
      expect({ inputs: metadata.inputs, outputs: metadata.outputs }, name).toEqual({
        inputs: fromSession(session.inputMetadata),
        outputs: fromSession(session.outputMetadata),
      });
      await session.release();
    }
  });
});
