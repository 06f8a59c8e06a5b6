import { type ArtifactStore, deployRefused, type HostDeployRequest, type ModelRegistryHost } from '@loom/runtime';
import type { DeployResult } from '@loom/sdk';
import type { LoomStore } from '../store/loom-store.ts';
import { ModelRegistryError } from '../store/model-registry-error.ts';
import { deployModel } from './deploy.ts';

/** The model server's address when nothing says otherwise: where `loom start` listens by default. */
export const DEFAULT_MODEL_SERVER_URL = 'http://127.0.0.1:8080';

/** Where a model's endpoint answers on the model server at `base`: `<base>/v2/models/<model>`. */
export function endpointUrl(base: string, model: string): string {
  return `${base.replace(/\/+$/, '')}/v2/models/${encodeURIComponent(model)}`;
}

/**
 * The registry in `store` as a host offers it to its steps (the server's step runners, `loom run`):
 * each deploy goes through {@link deployModel} with the step's run and step as its provenance and its
 * author. The registry's refusals fail the step without retries; `modelServerUrl` is read at each deploy,
 * since a server learns its address only once it listens. With `servedHere` (the model server of this
 * process, read at each deploy since it may be registered later), a deploy resolves only once that
 * server has synced with the change: when the step ends, its endpoint answers with the new version
 * (or keeps the old one, should the new one fail to load).
 *
 * @example
 * const models = storeModelRegistry(store, artifacts, () => 'http://127.0.0.1:8080', () => app.modelServing);
 */
export function storeModelRegistry(
  store: LoomStore,
  artifacts: ArtifactStore,
  modelServerUrl: () => string,
  servedHere: () => { sync(): Promise<void> } | undefined = () => undefined,
): ModelRegistryHost {
  return {
    async deploy(request: HostDeployRequest): Promise<DeployResult> {
      const { provenance } = request;
      try {
        const deployed = await deployModel(store, artifacts, {
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
        });
        await servedHere()?.sync();
        return { ...deployed, url: endpointUrl(modelServerUrl(), request.model) };
      } catch (cause) {
        if (cause instanceof ModelRegistryError) {
          throw deployRefused(`deploying model "${request.model}" was refused: ${cause.message}`);
        }
        throw cause;
      }
    },
  };
}
