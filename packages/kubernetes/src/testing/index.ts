export type { DenyRule } from './access-rules.ts';
export type { ApiStatus, StatusCause, StatusDetails } from './api-status.ts';
export type { TestNode } from './cluster-nodes.ts';
export type { ContainerScript, KubeletBehaviour } from './container-runtime.ts';
export type { DeploymentBehaviour } from './deployment-controller.ts';
export {
  type KubernetesTestServer,
  type KubernetesTestServerOptions,
  type RecordedRequest,
  type StoredKind,
  startKubernetesTestServer,
} from './kubernetes-test-server.ts';
export { kubernetesPlanStep } from './plan-step.ts';
