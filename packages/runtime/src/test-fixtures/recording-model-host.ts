import type { DeployResult } from '@loom/sdk';
import type { HostDeployRequest, ModelRegistryHost } from '../model-registry-host.ts';

/**
 * A {@link ModelRegistryHost} that notes each request and answers as a registry would for a first
 * deploy (a test double: the runtime's tests check what reaches the host, not what a registry does).
 * `refuse` makes it throw that error instead.
 */
export function recordingModelHost(refuse?: Error): { host: ModelRegistryHost; asked: HostDeployRequest[] } {
  const asked: HostDeployRequest[] = [];
  const host: ModelRegistryHost = {
    deploy: async (request): Promise<DeployResult> => {
      asked.push(structuredClone(request));
      if (refuse !== undefined) throw refuse;
      return {
        model: request.model,
        version: 3,
        created: true,
        alias: request.alias,
        traffic: [{ version: 3, percent: 100 }],
        url: `http://models.test/v2/models/${request.model}`,
      };
    },
  };
  return { host, asked };
}
