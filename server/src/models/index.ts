export { deployModel, type ModelDeployment, type ModelDeploymentResult } from './deploy.ts';
export {
  DEFAULT_MODEL_SERVER_URL,
  endpointUrl,
  type StoreModelRegistryOptions,
  storeModelRegistry,
} from './deploy-host.ts';
export {
  environmentKubernetesEndpoints,
  type KubernetesEndpointsSource,
  kubernetesEndpointsFromEnv,
  reapplyKubernetesEndpoint,
} from './kubernetes-deploy.ts';
export { modelOutputs, type OnnxRegistration, registerOnnxArtifact } from './onnx-registration.ts';
export { readModelTraffic, type TrafficRead } from './traffic.ts';
