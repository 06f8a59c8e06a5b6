export { EXAMPLE_SAMPLE_ROWS, exampleModels, rawColumns } from './example-models.ts';
export { checkWithOnnxChecker, expectOnnxCheckerPasses, type OnnxCheckResult } from './onnx-checker.ts';
export { runOnnx } from './run-onnx.ts';
export { runOnnxTensor } from './run-onnx-tensor.ts';
