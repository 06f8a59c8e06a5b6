/**
 * `/version`, `/api`, `/apis` and `/apis/{group}/{version}`: enough discovery for client-node's
 * KubernetesObjectApi to resolve kinds to URLs.
 */
import { groupVersion, RESOURCES, type ResourceType } from './resources.ts';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-loom-test',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T00:00:00Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const AUTHORIZATION = { group: 'authorization.k8s.io', version: 'v1' };

export function apiVersions(address: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }],
  };
}

function groups(): { name: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const resource of RESOURCES) if (resource.group !== '') seen.set(resource.group, resource.version);
  seen.set(AUTHORIZATION.group, AUTHORIZATION.version);
  return [...seen.entries()].map(([name, version]) => ({ name, version }));
}

export function apiGroupList(): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups().map(({ name, version }) => {
      const entry = { groupVersion: `${name}/${version}`, version };
      return { name, versions: [entry], preferredVersion: entry };
    }),
  };
}

export function apiGroup(group: string): unknown {
  const found = groups().find((candidate) => candidate.name === group);
  if (found === undefined) return undefined;
  const entry = { groupVersion: `${found.name}/${found.version}`, version: found.version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: found.name, versions: [entry], preferredVersion: entry };
}

function resourceEntries(resource: ResourceType): unknown[] {
  return [
    {
      name: resource.plural,
      singularName: resource.singular,
      namespaced: resource.namespaced,
      kind: resource.kind,
      verbs: resource.verbs,
      ...(resource.shortNames.length === 0 ? {} : { shortNames: resource.shortNames }),
    },
    ...resource.subresources.map((subresource) => ({
      name: `${resource.plural}/${subresource}`,
      singularName: '',
      namespaced: resource.namespaced,
      kind: subresource === 'log' ? 'Pod' : resource.kind,
      verbs: subresource === 'log' ? ['get'] : ['get', 'patch', 'update'],
    })),
  ];
}

/** The APIResourceList of a group version, or undefined when it is not served. */
export function apiResourceList(group: string, version: string): unknown {
  const served = RESOURCES.filter((resource) => resource.group === group && resource.version === version);
  const gv = group === '' ? version : `${group}/${version}`;
  if (group === AUTHORIZATION.group && version === AUTHORIZATION.version) {
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: gv,
      resources: [
        {
          name: 'selfsubjectaccessreviews',
          singularName: 'selfsubjectaccessreview',
          namespaced: false,
          kind: 'SelfSubjectAccessReview',
          verbs: ['create'],
        },
      ],
    };
  }
  if (served.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: served[0] === undefined ? gv : groupVersion(served[0]),
    resources: served.flatMap(resourceEntries),
  };
}
