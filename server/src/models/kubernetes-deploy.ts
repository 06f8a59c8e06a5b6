// Types only: the Kubernetes client (half a second to load) is imported at the first deploy that
// needs it, not by every server and CLI command.
import type { KubernetesEndpoints, KubernetesEndpointsOptions, RolloutOutcome } from '@loom/kubernetes';
import type { ArtifactStore } from '@loom/runtime';
import type { DeployTarget } from '@loom/sdk';
import type { LoomStore } from '../store/loom-store.ts';
import { ModelRegistryError } from '../store/model-registry-error.ts';
import type { Endpoint, TrafficShare } from '../store/store-types.ts';
import { deployModel, type ModelDeployment, type ModelDeploymentResult } from './deploy.ts';

/**
 * Gives the server's Kubernetes endpoints, or throws saying what configuration is missing. Called at
 * each deploy with `target: kubernetes` (and each rollback of such an endpoint), never at start: a
 * server without a cluster works as ever until a document asks for one.
 */
export type KubernetesEndpointsSource = () => Promise<KubernetesEndpoints>;

/**
 * The Kubernetes endpoints from the environment: `LOOM_KUBERNETES_ENDPOINT_*` (see
 * `KUBERNETES_ENDPOINT_ENV`) and the kubeconfig `loadKubeConfig` finds (`$KUBECONFIG`,
 * `~/.kube/config`, the pod's service account). Read at the first call and kept once it works; until
 * then each call tries again (a kubeconfig mounted late is found) and throws naming what is missing.
 *
 * @example
 * const kubernetes = kubernetesEndpointsFromEnv(process.env);
 */
export function kubernetesEndpointsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: Pick<KubernetesEndpointsOptions, 'pollMs' | 'backoff'> = {},
): KubernetesEndpointsSource {
  let found: KubernetesEndpoints | undefined;
  return async () => {
    if (found !== undefined) return found;
    const { KubernetesEndpoints, kubernetesEndpointConfigFromEnv, loadKubeConfig } = await import('@loom/kubernetes');
    // The image first: a server meant for no cluster is told of the variable, not of kubeconfig paths.
    const config = kubernetesEndpointConfigFromEnv(env);
    const loaded = loadKubeConfig(env);
    if (!env.LOOM_KUBERNETES_ENDPOINT_NAMESPACE?.trim() && loaded.namespace !== undefined)
      config.namespace = loaded.namespace;
    found = new KubernetesEndpoints({ ...options, kubeConfig: loaded.kubeConfig, config });
    return found;
  };
}

/** The environment's Kubernetes endpoints ({@link kubernetesEndpointsFromEnv} on `process.env`): the default of every server. */
export const environmentKubernetesEndpoints: KubernetesEndpointsSource = kubernetesEndpointsFromEnv();

/** The server's endpoints on Kubernetes, or the refusal (not retryable) of a deploy that needs them. */
async function requireKubernetes(source: KubernetesEndpointsSource, model: string): Promise<KubernetesEndpoints> {
  try {
    return await source();
  } catch (cause) {
    throw new ModelRegistryError(
      'invalid',
      `deploying model "${model}" with target kubernetes needs this Loom server to be configured for Kubernetes: ${cause instanceof Error ? cause.message : String(cause)}`,
      '/target',
    );
  }
}

/** What {@link deployModelToTarget} did; `url` is set for Kubernetes, where the Service says where the endpoint is. */
export interface TargetDeploymentResult extends ModelDeploymentResult {
  url?: string;
}

/**
 * {@link deployModel}, then, with `target: kubernetes`, the endpoint's rollout on the cluster: its
 * Deployment, Service and HPA applied with the routes the registry now has, and the rollout waited
 * for. The cluster configuration is checked before anything changes: a server without one refuses
 * (ModelRegistryError `invalid` on `/target`) with the registry untouched. A rollout that fails (or
 * cannot be applied) puts the registry back as it was before (the alias rolled back as `loom
 * rollback` does, the endpoint's split restored), re-applies the previous routes, and rejects with a
 * ModelRegistryError `conflict` naming the reason, so the step fails without retries: the same
 * version would fail the same way.
 *
 * @example
 * const result = await deployModelToTarget(store, artifacts, deployment, 'kubernetes', kubernetesEndpointsFromEnv());
 */
export async function deployModelToTarget(
  store: LoomStore,
  artifacts: ArtifactStore,
  deployment: ModelDeployment,
  target: DeployTarget | undefined,
  kubernetes: KubernetesEndpointsSource,
  signal?: AbortSignal,
): Promise<TargetDeploymentResult> {
  if (target !== 'kubernetes') return deployModel(store, artifacts, deployment);
  const { model, alias } = deployment;
  const endpoints = await requireKubernetes(kubernetes, model);
  const before = {
    aliasVersion: store.getModel(model)?.aliases.find((a) => a.alias === alias)?.version,
    endpoint: store.getEndpoint(model),
  };
  const deployed = await deployModel(store, artifacts, deployment);
  let outcome: RolloutOutcome | { ok: false; reason: string; message: string };
  try {
    outcome = await endpoints.rollout(model, deployed.traffic, signal);
  } catch (cause) {
    outcome = { ok: false, reason: 'ApplyFailed', message: cause instanceof Error ? cause.message : String(cause) };
  }
  if (outcome.ok) return { ...deployed, url: endpoints.url(model) };
  const undone = restoreRegistry(store, deployed, before, deployment.by);
  const previous = store.getEndpoint(model)?.routes ?? [];
  let reapplied = '';
  if (previous.length > 0 && !sameRoutes(previous, deployed.traffic)) {
    try {
      const back = await endpoints.rollout(model, previous, signal);
      reapplied = back.ok
        ? `; the Deployment serves ${describe(previous)} again`
        : `; re-applying ${describe(previous)} did not complete either: ${back.reason}: ${back.message}`;
    } catch (cause) {
      reapplied = `; re-applying ${describe(previous)} failed: ${cause instanceof Error ? cause.message : String(cause)}`;
    }
  }
  throw new ModelRegistryError(
    'conflict',
    `rollout of ${model} v${deployed.version} on Kubernetes failed: ${outcome.reason}: ${outcome.message}; ${undone}${reapplied}`,
  );
}

/** Puts the alias and the endpoint back as they were before `deployed`; says what it did. */
function restoreRegistry(
  store: LoomStore,
  deployed: ModelDeploymentResult,
  before: { aliasVersion: number | undefined; endpoint: Endpoint | undefined },
  by: string | undefined,
): string {
  const { model, alias, version } = deployed;
  const settings = (endpoint: Endpoint) => ({ alias: endpoint.alias, traffic: endpoint.traffic });
  if (before.aliasVersion === undefined) {
    // The first version of the alias: there is nothing to roll back to. The endpoint goes (it did not
    // exist), then the alias, so that nothing serves a version that never became available.
    if (before.endpoint === undefined) store.removeEndpoint(model);
    else store.setEndpoint(model, settings(before.endpoint));
    if (before.endpoint?.alias !== alias) store.removeAlias(model, alias, by);
    return `v${version} was the first version of the alias ${alias}: the alias and the endpoint were removed (the Kubernetes objects are left for kubectl describe)`;
  }
  let said = `the registry was unchanged (${alias} serves v${before.aliasVersion})`;
  if (
    before.aliasVersion !== version &&
    store.getModel(model)?.aliases.find((a) => a.alias === alias)?.version === version
  ) {
    const move = store.rollback(model, alias, by);
    said = `rolled the alias ${alias} back to v${move.version}`;
  }
  // A canary moves no alias; a full deploy's rollback clears a split the endpoint had before it.
  if (before.endpoint !== undefined && !sameRoutes(store.getEndpoint(model)?.traffic ?? [], before.endpoint.traffic)) {
    store.setEndpoint(model, settings(before.endpoint));
    if (said.startsWith('the registry')) said = `restored the endpoint's split ${describe(before.endpoint.routes)}`;
  }
  return said;
}

/**
 * Re-applies the endpoint's current routes to its Deployment, when the model's endpoint was deployed
 * to Kubernetes (it has a Deployment there): after `POST …/aliases/:alias/rollback`, so that the pods,
 * pinned to versions, follow the rolled-back alias. Resolves with what it did, or undefined when the
 * server has no Kubernetes configuration or the endpoint is not on the cluster.
 *
 * @throws ModelRegistryError `conflict` when the rollout fails (the registry change stands).
 */
export async function reapplyKubernetesEndpoint(
  store: LoomStore,
  kubernetes: KubernetesEndpointsSource,
  model: string,
): Promise<string | undefined> {
  let endpoints: KubernetesEndpoints;
  try {
    endpoints = await kubernetes();
  } catch {
    // No cluster configured: no endpoint of this server can be on one.
    return undefined;
  }
  const routes = store.getEndpoint(model)?.routes ?? [];
  if (routes.length === 0) return undefined;
  const applied = await endpoints.appliedRoutes(model);
  if (applied === undefined) return undefined;
  const outcome = await endpoints.rollout(model, routes);
  if (!outcome.ok) {
    throw new ModelRegistryError(
      'conflict',
      `the registry serves ${describe(routes)} now, but its rollout on Kubernetes failed: ${outcome.reason}: ${outcome.message}`,
    );
  }
  return `the Kubernetes Deployment ${outcome.name} serves ${describe(routes)}`;
}

function sameRoutes(a: readonly TrafficShare[], b: readonly TrafficShare[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describe(routes: readonly TrafficShare[]): string {
  return routes
    .map((share) => (routes.length === 1 ? `v${share.version}` : `v${share.version} ${share.percent}%`))
    .join(', ');
}
