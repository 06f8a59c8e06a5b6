/**
 * The resource types the test server serves, with what discovery, URLs, messages and validation need
 * to know about each.
 */
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Node, Pod, Service } from 'kubernetes-models/v1';

/** A kubernetes-models class: constructing it from a body and calling `validate()` checks the schema. */
export type SchemaModel = new (data: never) => { validate(): void };

export interface ResourceType {
  /** `Job` */
  kind: string;
  /** `jobs`: the URL segment and the name RBAC and messages use. */
  plural: string;
  singular: string;
  /** `batch`; '' for the core group. */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  /** Verbs listed in discovery. */
  verbs: string[];
  subresources: string[];
  model: SchemaModel;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCES: readonly ResourceType[] = [
  {
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['po'],
    verbs: ALL_VERBS,
    subresources: ['log', 'status'],
    model: Pod as SchemaModel,
  },
  {
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    group: '',
    version: 'v1',
    namespaced: true,
    shortNames: ['svc'],
    verbs: ALL_VERBS,
    subresources: ['status'],
    model: Service as SchemaModel,
  },
  {
    kind: 'Node',
    plural: 'nodes',
    singular: 'node',
    group: '',
    version: 'v1',
    namespaced: false,
    shortNames: ['no'],
    verbs: ['get', 'list', 'watch'],
    subresources: ['status'],
    model: Node as SchemaModel,
  },
  {
    kind: 'Job',
    plural: 'jobs',
    singular: 'job',
    group: 'batch',
    version: 'v1',
    namespaced: true,
    shortNames: [],
    verbs: ALL_VERBS,
    subresources: ['status'],
    model: Job as SchemaModel,
  },
  {
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    group: 'apps',
    version: 'v1',
    namespaced: true,
    shortNames: ['deploy'],
    verbs: ALL_VERBS,
    subresources: ['status'],
    model: Deployment as SchemaModel,
  },
  {
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    group: 'autoscaling',
    version: 'v2',
    namespaced: true,
    shortNames: ['hpa'],
    verbs: ALL_VERBS,
    subresources: ['status'],
    model: HorizontalPodAutoscaler as SchemaModel,
  },
];

/** `batch/v1`, or `v1` for the core group. */
export function groupVersion(resource: ResourceType): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

export function resourceByKind(kind: string): ResourceType {
  const resource = RESOURCES.find((candidate) => candidate.kind === kind);
  if (resource === undefined) throw new Error(`the test server does not serve kind ${kind}`);
  return resource;
}

export function resourceByPath(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find(
    (candidate) => candidate.group === group && candidate.version === version && candidate.plural === plural,
  );
}
