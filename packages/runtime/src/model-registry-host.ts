import type { DeployRequest, DeployResult } from '@loom/sdk';
import { NodeError } from '@loom/sdk';

/** Which step asked for a deploy: the registry keeps it as the version's provenance. */
export interface DeployProvenance {
  runId: string;
  /** The node's id in the pipeline document. */
  stepId: string;
  attempt: number;
  /** The run's pipeline and version, when the one who asks knows them; the host may look them up by `runId`. */
  pipelineId?: string;
  pipelineVersion?: number;
}

/** A node's {@link DeployRequest} as the host receives it: with the step that made it. */
export interface HostDeployRequest extends DeployRequest {
  provenance: DeployProvenance;
}

/**
 * The model registry a host offers its steps (`AttemptEnvironment.models`): the server's store for its
 * step runners and `loom run`, the server's HTTP API for a `loom worker`. A refusal the step cannot get
 * past by trying again (a bad name, an ONNX file the registry cannot read) is a `NodeError` with
 * `retryable: false`; any other rejection is retried like any failure.
 */
export interface ModelRegistryHost {
  deploy(request: HostDeployRequest): Promise<DeployResult>;
}

/** What a step is told when its host offers no model registry. */
export const NO_MODEL_REGISTRY =
  'deploying needs the model registry, and this step runs where none is offered: deploying works in runs of `loom start` and `loom run`, and on a `loom worker` given the server’s address in LOOM_API_URL (with LOOM_API_TOKEN when the server needs one)';

/** A refusal that says so in words the step's log shows, never retried. */
export function deployRefused(message: string): NodeError {
  return new NodeError(message, { retryable: false });
}
