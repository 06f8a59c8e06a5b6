export { apiMessage, isTransient } from './api-errors.ts';
export {
  ClusterAccessError,
  checkClusterAccess,
  type LoadedKubeConfig,
  loadKubeConfig,
  STEP_JOB_PERMISSIONS,
} from './cluster-access.ts';
export { KUBERNETES_ENV, kubernetesJobsConfigFromEnv } from './jobs-config.ts';
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
