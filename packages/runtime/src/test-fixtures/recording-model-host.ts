import type { DeployResult, TrafficWindowRequest } from '@loom/sdk';
import type { HostDeployRequest, HostTrafficWindow, ModelRegistryHost } from '../model-registry-host.ts';

/** What {@link recordingModelHost} answers a traffic read with, when the test gives it one. */
export type TrafficAnswer = (request: TrafficWindowRequest) => HostTrafficWindow | Promise<HostTrafficWindow>;

/**
 * A {@link ModelRegistryHost} that notes each request and answers as a registry would for a first
 * deploy, and a traffic read with `traffic`'s window (a test double: the runtime's tests check what
 * reaches the host, not what a registry does). `refuse` makes both throw that error instead; without
 * `traffic`, a traffic read throws too.
 */
export function recordingModelHost(
  refuse?: Error,
  traffic?: TrafficAnswer,
): { host: ModelRegistryHost; asked: HostDeployRequest[]; trafficAsked: TrafficWindowRequest[] } {
  const asked: HostDeployRequest[] = [];
  const trafficAsked: TrafficWindowRequest[] = [];
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
    traffic: async (request): Promise<HostTrafficWindow> => {
      trafficAsked.push(structuredClone(request));
      if (refuse !== undefined) throw refuse;
      if (traffic === undefined) throw new Error('recordingModelHost was given no traffic answer');
      return traffic(request);
    },
  };
  return { host, asked, trafficAsked };
}
