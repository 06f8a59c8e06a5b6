import type { ArtifactStore } from '@loom/runtime';
import type { LoomStore } from '../store/loom-store.ts';
import { checkAlias } from '../store/model-names.ts';
import { ModelRegistryError } from '../store/model-registry-error.ts';
import type { ModelProvenance, TrafficShare } from '../store/store-types.ts';
import { type OnnxRegistration, registerOnnxArtifact } from './onnx-registration.ts';

/** What deploying an ONNX artifact takes: which model and alias, and how much of the traffic it gets. */
export interface ModelDeployment extends Pick<OnnxRegistration, 'metrics' | 'description' | 'lineage' | 'by'> {
  model: string;
  /** The sha256 of a Loom ONNX file in the artifact store. */
  onnx: string;
  /** The alias the model's endpoint serves, e.g. `production`. */
  alias: string;
  /**
   * An integer from 1 to 100. 100 moves the alias to the version and the endpoint follows the alias;
   * less, while the alias points at another version, splits the endpoint between the two and leaves the
   * alias where it is (a canary); with no alias yet, the alias is set and there is nothing to split.
   */
  trafficPercent: number;
  /**
   * Where the ONNX file came from. A run's pipeline and version are looked up by its `runId` when not
   * given. @default every field null
   */
  provenance?: Partial<ModelProvenance>;
}

/** What {@link deployModel} did. `url` is left to the caller, who knows where the model server is. */
export interface ModelDeploymentResult {
  model: string;
  version: number;
  /** False when the model held this ONNX file already: no version was made. */
  created: boolean;
  alias: string;
  /** The version the alias pointed at before, when it was another one. */
  previousVersion?: number;
  /** Where the endpoint's requests go now. */
  traffic: TrafficShare[];
}

/**
 * Deploys an ONNX artifact: registers it (the same file finds its existing version), then points the
 * alias and the model's endpoint at it as `trafficPercent` says. Deploying what already serves changes
 * nothing and records no event. The steps are separate transactions, ordered so that every state between
 * them serves a registered version: a canary's split is set before anything else changes, and a full
 * deploy moves the alias before the endpoint drops an old split.
 *
 * @throws ModelRegistryError `invalid` (`/trafficPercent`, `/alias`, `/onnx`) or what the registry refuses.
 * @example
 * const result = await deployModel(store, artifacts, { model: 'iris', onnx: sha256, alias: 'production', trafficPercent: 100 });
 */
export async function deployModel(
  store: LoomStore,
  artifacts: ArtifactStore,
  deployment: ModelDeployment,
): Promise<ModelDeploymentResult> {
  const { model, alias, trafficPercent } = deployment;
  if (!Number.isInteger(trafficPercent) || trafficPercent < 1 || trafficPercent > 100) {
    throw new ModelRegistryError(
      'invalid',
      `trafficPercent must be an integer from 1 to 100, not ${trafficPercent}`,
      '/trafficPercent',
    );
  }
  checkAlias(alias, '/alias');
  const registration: OnnxRegistration = { model, onnx: deployment.onnx, provenance: provenanceOf(store, deployment) };
  if (deployment.metrics !== undefined) registration.metrics = deployment.metrics;
  if (deployment.description !== undefined) registration.description = deployment.description;
  if (deployment.lineage !== undefined) registration.lineage = deployment.lineage;
  if (deployment.by !== undefined) registration.by = deployment.by;
  const registered = await registerOnnxArtifact(store, artifacts, registration);
  const version = registered.version.version;
  const current = store.getModel(model)?.aliases.find((a) => a.alias === alias)?.version;
  const canary = trafficPercent < 100 && current !== undefined && current !== version;
  if (!canary) store.setAlias(model, alias, version, deployment.by);
  const traffic = canary
    ? [
        { version, percent: trafficPercent },
        { version: current, percent: 100 - trafficPercent },
      ]
    : [];
  const endpoint = store.getEndpoint(model);
  const unchanged =
    endpoint !== undefined && endpoint.alias === alias && JSON.stringify(endpoint.traffic) === JSON.stringify(traffic);
  const routes = unchanged ? endpoint.routes : store.setEndpoint(model, { alias, traffic }).routes;
  const result: ModelDeploymentResult = { model, version, created: registered.created, alias, traffic: routes };
  if (current !== undefined && current !== version) result.previousVersion = current;
  return result;
}

function provenanceOf(store: LoomStore, deployment: ModelDeployment): Partial<ModelProvenance> {
  const given = deployment.provenance ?? {};
  if (given.runId == null || (given.pipelineId != null && given.pipelineVersion != null)) return given;
  const run = store.getRunSummary(given.runId);
  if (run === undefined) return given;
  return { pipelineId: run.pipelineId, pipelineVersion: run.pipelineVersion, ...stripNull(given) };
}

function stripNull(provenance: Partial<ModelProvenance>): Partial<ModelProvenance> {
  return Object.fromEntries(Object.entries(provenance).filter(([, value]) => value != null));
}
