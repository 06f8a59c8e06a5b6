export { deployModel, type ModelDeployment, type ModelDeploymentResult } from './deploy.ts';
export {
  DEFAULT_MODEL_SERVER_URL,
  endpointUrl,
  storeModelRegistry,
} from './deploy-host.ts';
export { modelOutputs, type OnnxRegistration, registerOnnxArtifact } from './onnx-registration.ts';
