export { buildOnnxModel, OUTPUTS } from './build-model.ts';
export { METADATA, type OnnxModelInfo, readOnnxModelInfo } from './model-info.ts';
export { checkParity, type ParityOptions, type ParityResult } from './parity.ts';
export {
  DEFAULT_BATCH_SIZE,
  type OnnxPredictOptions,
  OnnxPredictor,
  type OnnxPredictorOptions,
} from './predictor.ts';
