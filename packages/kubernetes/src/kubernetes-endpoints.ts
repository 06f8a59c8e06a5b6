import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
} from '@kubernetes/client-node';
import { sleep } from '@loom/runtime';
import { apiMessage, apiStatus, type Backoff, retrying } from './api-errors.ts';
import type { KubernetesEndpointConfig } from './endpoint-config.ts';
import {
  ENDPOINT_ANNOTATIONS,
  type EndpointRoute,
  endpointManifests,
  endpointObjectName,
  endpointServiceUrl,
} from './endpoint-manifests.ts';
import { rolloutVerdict } from './endpoint-rollout.ts';

/** The field manager of every apply: `kubectl get deploy -o yaml --show-managed-fields` shows `loom`. */
export const ENDPOINT_FIELD_MANAGER = 'loom';

/** How a rollout ended. */
export type RolloutOutcome =
  | { ok: true; name: string; generation: number }
  | { ok: false; name: string; generation: number; reason: string; message: string };

export interface KubernetesEndpointsOptions {
  kubeConfig: KubeConfig;
  config: KubernetesEndpointConfig;
  /** How often a rollout's Deployment is read. @default 1000 */
  pollMs?: number;
  /** Backoff for transient API failures (the API server restarting). @default api-errors' defaults */
  backoff?: Backoff;
}

/**
 * A model's endpoint as Kubernetes objects: {@link apply} server-side-applies its Deployment, Service
 * and HPA (field manager `loom`, forced: the server owns these objects; `kubectl edit` changes to
 * fields Loom sets are taken back at the next deploy), {@link waitForRollout} follows the Deployment
 * as `kubectl rollout status` does. Transient API failures are retried with backoff; refusals (403,
 * 422) reject with the API server's message.
 *
 * @example
 * const endpoints = new KubernetesEndpoints({ kubeConfig, config });
 * const outcome = await endpoints.rollout('iris', [{ version: 4, percent: 100 }]);
 */
export class KubernetesEndpoints {
  readonly config: KubernetesEndpointConfig;
  readonly #apps: AppsV1Api;
  readonly #core: CoreV1Api;
  readonly #autoscaling: AutoscalingV2Api;
  readonly #pollMs: number;
  readonly #backoff: Backoff | undefined;

  constructor(options: KubernetesEndpointsOptions) {
    this.config = options.config;
    this.#apps = options.kubeConfig.makeApiClient(AppsV1Api);
    this.#core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#autoscaling = options.kubeConfig.makeApiClient(AutoscalingV2Api);
    this.#pollMs = options.pollMs ?? 1000;
    this.#backoff = options.backoff;
  }

  /** The endpoint's in-cluster address (its Service), e.g. `http://loom-endpoint-iris.ml.svc.cluster.local:8081/v2/models/iris`. */
  url(model: string): string {
    return endpointServiceUrl(this.config.namespace, model);
  }

  /**
   * Applies the endpoint's three objects with `routes`; resolves with the Deployment's generation
   * after the apply, which {@link waitForRollout} waits for. The Service and HPA go first: the
   * Deployment's pods are reachable and scaled from the moment they exist.
   */
  async apply(model: string, routes: readonly EndpointRoute[], signal?: AbortSignal): Promise<number> {
    const { deployment, service, hpa } = endpointManifests(this.config, model, routes);
    const { namespace } = this.config;
    const name = endpointObjectName(model);
    // client-node's typed patch calls send JSON patch by default; this header makes them an apply.
    // (JSON is YAML, so the JSON body is a valid apply-patch+yaml.)
    const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
    const params = { name, namespace, fieldManager: ENDPOINT_FIELD_MANAGER, force: true };
    await this.#call(`apply Service ${namespace}/${name}`, signal, () =>
      this.#core.patchNamespacedService({ ...params, body: service }, apply),
    );
    await this.#call(`apply HorizontalPodAutoscaler ${namespace}/${name}`, signal, () =>
      this.#autoscaling.patchNamespacedHorizontalPodAutoscaler({ ...params, body: hpa }, apply),
    );
    const applied = await this.#call(`apply Deployment ${namespace}/${name}`, signal, () =>
      this.#apps.patchNamespacedDeployment({ ...params, body: deployment }, apply),
    );
    return applied.metadata?.generation ?? 0;
  }

  /**
   * Follows the Deployment until its rollout of `generation` (or a later one) completes or fails:
   * `ProgressDeadlineExceeded`, or no completion within `config.rolloutTimeoutMs` (`RolloutTimeout`).
   */
  async waitForRollout(model: string, generation: number, signal?: AbortSignal): Promise<RolloutOutcome> {
    const { namespace, rolloutTimeoutMs } = this.config;
    const name = endpointObjectName(model);
    const deadline = Date.now() + rolloutTimeoutMs;
    let last = 'not read yet';
    for (;;) {
      const deployment = await this.#call(`read Deployment ${namespace}/${name}`, signal, () =>
        this.#apps.readNamespacedDeployment({ name, namespace }),
      );
      const seen = deployment.metadata?.generation ?? 0;
      const verdict =
        seen < generation
          ? { kind: 'waiting' as const, message: 'the apply is not seen yet' }
          : rolloutVerdict(deployment);
      if (verdict.kind === 'complete') return { ok: true, name, generation: seen };
      if (verdict.kind === 'failed')
        return { ok: false, name, generation: seen, reason: verdict.reason, message: verdict.message };
      last = verdict.message;
      if (signal?.aborted) {
        return { ok: false, name, generation: seen, reason: 'Cancelled', message: `the step was cancelled (${last})` };
      }
      if (Date.now() >= deadline) {
        return {
          ok: false,
          name,
          generation: seen,
          reason: 'RolloutTimeout',
          message: `the rollout did not complete within ${Math.round(rolloutTimeoutMs / 1000)} s (${last})`,
        };
      }
      await sleep(Math.min(this.#pollMs, Math.max(0, deadline - Date.now())), signal);
    }
  }

  /** {@link apply} then {@link waitForRollout}. */
  async rollout(model: string, routes: readonly EndpointRoute[], signal?: AbortSignal): Promise<RolloutOutcome> {
    const generation = await this.apply(model, routes, signal);
    return this.waitForRollout(model, generation, signal);
  }

  /**
   * The routes the endpoint's Deployment serves now (its template's annotation); undefined when the
   * model has no Deployment here: its endpoint was never deployed to Kubernetes.
   */
  async appliedRoutes(model: string, signal?: AbortSignal): Promise<string | undefined> {
    const { namespace } = this.config;
    const name = endpointObjectName(model);
    let deployment: V1Deployment;
    try {
      deployment = await this.#call(`read Deployment ${namespace}/${name}`, signal, () =>
        this.#apps.readNamespacedDeployment({ name, namespace }),
      );
    } catch (cause) {
      if (apiStatus((cause as Error).cause) === 404) return undefined;
      throw cause;
    }
    return deployment.spec?.template.metadata?.annotations?.[ENDPOINT_ANNOTATIONS.routes] ?? '';
  }

  async #call<T>(what: string, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    // An API server away for good must not hold the step forever: retries stop at the rollout timeout.
    const limit = AbortSignal.timeout(this.config.rolloutTimeoutMs);
    try {
      return await retrying(call, {
        signal: signal === undefined ? limit : AbortSignal.any([signal, limit]),
        ...(this.#backoff === undefined ? {} : { backoff: this.#backoff }),
      });
    } catch (cause) {
      throw new Error(`could not ${what} on Kubernetes: ${apiMessage(cause)}`, { cause });
    }
  }
}
