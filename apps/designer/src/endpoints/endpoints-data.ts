import type { Endpoint, ModelList, ModelVersion } from '@loom/server/api-types';
import type { LoomApi } from '../api/loom-api.ts';
import type { ModelEvent } from './model-facts.ts';

export type ModelSummary = ModelList['models'][number];

/** What the view's list shows: every model, and the endpoint of each that has one. */
export interface EndpointsOverview {
  models: ModelSummary[];
  endpoints: Map<string, Endpoint>;
}

/** One model as its panel shows it: versions (newest first), history (newest first) and endpoint. */
export interface ModelDetail {
  name: string;
  versions: ModelVersion[];
  events: ModelEvent[];
  endpoint: Endpoint | undefined;
}

type RegistryApi = Pick<LoomApi, 'listModels' | 'listEndpoints' | 'modelVersions' | 'modelEvents'>;

/** The models and their endpoints, read together so the list never shows one without the other. */
export async function loadOverview(api: RegistryApi): Promise<EndpointsOverview> {
  const [{ models }, { endpoints }] = await Promise.all([api.listModels(), api.listEndpoints()]);
  return { models, endpoints: new Map(endpoints.map((endpoint) => [endpoint.model, endpoint])) };
}

/** One model's versions and history; its endpoint comes from the overview read with it. */
export async function loadModelDetail(
  api: RegistryApi,
  name: string,
  overview: EndpointsOverview,
): Promise<ModelDetail> {
  const [{ versions }, { events }] = await Promise.all([api.modelVersions(name), api.modelEvents(name)]);
  return { name, versions, events, endpoint: overview.endpoints.get(name) };
}

/** The model to show: the one asked for while it exists, else the first one serving, else the first. */
export function pickModel(overview: EndpointsOverview, wanted: string | undefined): string | undefined {
  if (wanted !== undefined && overview.models.some((model) => model.name === wanted)) return wanted;
  return (overview.models.find((model) => overview.endpoints.has(model.name)) ?? overview.models[0])?.name;
}
