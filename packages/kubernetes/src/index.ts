export { apiMessage, isTransient } from './api-errors.ts';
export {
  ClusterAccessError,
  checkClusterAccess,
  type LoadedKubeConfig,
  loadKubeConfig,
  STEP_JOB_PERMISSIONS,
} from './cluster-access.ts';
export {
  KUBERNETES_ENDPOINT_ENV,
  type KubernetesEndpointConfig,
  kubernetesEndpointConfigFromEnv,
} from './endpoint-config.ts';
export {
  ENDPOINT_ANNOTATIONS,
  ENDPOINT_LABELS,
  ENDPOINT_PORT,
  type EndpointManifests,
  type EndpointRoute,
  endpointManifests,
  endpointObjectName,
  endpointServiceUrl,
  formatServeRoutes,
} from './endpoint-manifests.ts';
export { type RolloutVerdict, rolloutVerdict } from './endpoint-rollout.ts';
export { KUBERNETES_ENV, kubernetesJobsConfigFromEnv } from './jobs-config.ts';
export {
  ENDPOINT_FIELD_MANAGER,
  KubernetesEndpoints,
  type KubernetesEndpointsOptions,
  type RolloutOutcome,
} from './kubernetes-endpoints.ts';
export { KubernetesStepRunner, type KubernetesStepRunnerOptions } from './kubernetes-step-runner.ts';
export {
  decodeLogLine,
  encodeReport,
  type PodReport,
  parseInputsArgument,
  parseTerminationMessage,
  REPORT_PREFIX,
  stepArguments,
  TERMINATION_MESSAGE_PATH,
} from './pod-protocol.ts';
export { type PodStepOptions, runStepInPod } from './pod-step.ts';
export { type PodVerdict, podVerdict } from './pod-verdict.ts';
export { ANNOTATIONS, type KubernetesJobsConfig, LABELS, labelValue, stepJob, stepJobName } from './step-job.ts';
