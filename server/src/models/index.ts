export { deployModel, type ModelDeployment, type ModelDeploymentResult } from './deploy.ts';
export {
  DEFAULT_MODEL_SERVER_URL,
  endpointUrl,
  type StoreModelRegistryOptions,
  storeModelRegistry,
} from './deploy-host.ts';
export { modelOutputs, type OnnxRegistration, registerOnnxArtifact } from './onnx-registration.ts';
export { readModelTraffic, type TrafficRead } from './traffic.ts';
