import type { DeployRequest, DeployResult, TrafficWindow, TrafficWindowRequest } from '@loom/sdk';
import { NodeError } from '@loom/sdk';
import type { StoredArtifact } from './artifact-store.ts';

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
 * A {@link TrafficWindow} as the host answers it: the table as a blob of the artifact store the step
 * shares with the host (only its sha256 travels); the attempt turns it into a path on its own machine.
 */
export interface HostTrafficWindow extends Omit<TrafficWindow, 'table'> {
  table: StoredArtifact;
}

/**
 * The model registry a host offers its steps (`AttemptEnvironment.models`): the server's store for its
 * step runners and `loom run`, the server's HTTP API for a `loom worker`. A refusal the step cannot get
 * past by trying again (a bad name, an ONNX file the registry cannot read, an unknown model) is a
 * `NodeError` with `retryable: false`; any other rejection is retried like any failure.
 */
export interface ModelRegistryHost {
  deploy(request: HostDeployRequest): Promise<DeployResult>;
  /** Writes the window's rows of the endpoint's request log to the artifact store as a table. */
  traffic(request: TrafficWindowRequest): Promise<HostTrafficWindow>;
}

const WHERE_OFFERED =
  'runs of `loom start` and `loom run`, and on a `loom worker` given the server’s address in LOOM_API_URL (with LOOM_API_TOKEN when the server needs one)';

/** What a step that deploys is told when its host offers no model registry. */
export const NO_MODEL_REGISTRY = `deploying needs the model registry, and this step runs where none is offered: deploying works in ${WHERE_OFFERED}`;

/** What a step that reads an endpoint's traffic is told when its host offers no model registry. */
export const NO_MODEL_REGISTRY_FOR_TRAFFIC = `reading an endpoint’s traffic needs the model registry, and this step runs where none is offered: it works in ${WHERE_OFFERED}`;

/** A refusal of the registry (a deploy, a traffic read) in words the step's log shows, never retried. */
export function registryRefused(message: string): NodeError {
  return new NodeError(message, { retryable: false });
}
