import {
  type ArtifactStore,
  type HostDeployRequest,
  type HostTrafficWindow,
  type ModelRegistryHost,
  registryRefused,
} from '@loom/runtime';
import type { DeployResult, TrafficWindowRequest } from '@loom/sdk';
import type { LoomStore } from '../store/loom-store.ts';
import { ModelRegistryError } from '../store/model-registry-error.ts';
import {
  deployModelToTarget,
  environmentKubernetesEndpoints,
  type KubernetesEndpointsSource,
} from './kubernetes-deploy.ts';
import { readModelTraffic } from './traffic.ts';

/** The model server's address when nothing says otherwise: where `loom start` listens by default. */
export const DEFAULT_MODEL_SERVER_URL = 'http://127.0.0.1:8080';

/** Where a model's endpoint answers on the model server at `base`: `<base>/v2/models/<model>`. */
export function endpointUrl(base: string, model: string): string {
  return `${base.replace(/\/+$/, '')}/v2/models/${encodeURIComponent(model)}`;
}

/** What {@link storeModelRegistry} works on. */
export interface StoreModelRegistryOptions {
  store: LoomStore;
  artifacts: ArtifactStore;
  /** The Loom home whose `request-logs/` traffic reads come from. */
  home: string;
  /** The model server's address, read at each deploy: a server learns its address only once it listens. */
  modelServerUrl: () => string;
  /**
   * The model server of this process, read at each deploy since it may be registered later: a deploy
   * resolves only once it has synced with the change. @default none
   */
  servedHere?: () => { sync(): Promise<void> } | undefined;
  /** The cluster of deploys with `target: kubernetes`. @default from the environment (`kubernetesEndpointsFromEnv`) */
  kubernetes?: KubernetesEndpointsSource;
}

/**
 * The registry in `store` as a host offers it to its steps (the server's step runners, `loom run`):
 * each deploy goes through {@link deployModel} with the step's run and step as its provenance and its
 * author; each traffic read through {@link readModelTraffic} on the request log under `home`. The
 * registry's refusals fail the step without retries. With `servedHere`, a deploy resolves only once
 * that server has synced with the change: when the step ends, its endpoint answers with the new
 * version (or keeps the old one, should the new one fail to load).
 *
 * @example
 * const models = storeModelRegistry({ store, artifacts, home, modelServerUrl: () => 'http://127.0.0.1:8080', servedHere: () => app.modelServing });
 */
export function storeModelRegistry(options: StoreModelRegistryOptions): ModelRegistryHost {
  const {
    store,
    artifacts,
    home,
    modelServerUrl,
    servedHere = () => undefined,
    kubernetes = environmentKubernetesEndpoints,
  } = options;
  return {
    async deploy(request: HostDeployRequest): Promise<DeployResult> {
      const { provenance } = request;
      try {
        const deployed = await deployModelToTarget(
          store,
          artifacts,
          {
            model: request.model,
            onnx: request.onnx.sha256,
            alias: request.alias,
            trafficPercent: request.trafficPercent,
            ...(request.metrics === undefined ? {} : { metrics: request.metrics }),
            ...(request.description === undefined ? {} : { description: request.description }),
            provenance: {
              runId: provenance.runId,
              stepId: provenance.stepId,
              ...(provenance.pipelineId === undefined ? {} : { pipelineId: provenance.pipelineId }),
              ...(provenance.pipelineVersion === undefined ? {} : { pipelineVersion: provenance.pipelineVersion }),
            },
            by: `run ${provenance.runId} step ${provenance.stepId}`,
          },
          request.target,
          kubernetes,
        );
        await servedHere()?.sync();
        return { ...deployed, url: deployed.url ?? endpointUrl(modelServerUrl(), request.model) };
      } catch (cause) {
        if (cause instanceof ModelRegistryError) {
          throw registryRefused(`deploying model "${request.model}" was refused: ${cause.message}`);
        }
        throw cause;
      }
    },
    async traffic(request: TrafficWindowRequest): Promise<HostTrafficWindow> {
      try {
        return await readModelTraffic(store, artifacts, home, request);
      } catch (cause) {
        if (cause instanceof ModelRegistryError) {
          throw registryRefused(`reading the traffic of model "${request.model}" was refused: ${cause.message}`);
        }
        throw cause;
      }
    },
  };
}
