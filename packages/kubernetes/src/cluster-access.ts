import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { AuthorizationV1Api, KubeConfig } from '@kubernetes/client-node';
import { apiMessage } from './api-errors.ts';

/** Where a kubeconfig was found, for messages: a path, or the pod's service account. */
export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  source: string;
  /** The current context's namespace, when it names one. */
  namespace: string | undefined;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** A failure to find or use the cluster; its message says what was tried. */
export class ClusterAccessError extends Error {
  override name = 'ClusterAccessError';
}

/**
 * Finds the cluster the way kubectl does: `$KUBECONFIG` (a list of paths), else `~/.kube/config`,
 * else the service account of the pod this runs in. Unlike client-node's `loadFromDefault`, which
 * falls back to `http://localhost:8080` without a word, it fails naming each place it looked.
 */
export function loadKubeConfig(env: NodeJS.ProcessEnv = process.env): LoadedKubeConfig {
  const kubeConfig = new KubeConfig();
  const tried: string[] = [];
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((path) => path !== '');
  const existing = listed.filter((path) => existsSync(path));
  if (listed.length > 0)
    tried.push(`$KUBECONFIG (${listed.join(delimiter)}${existing.length === 0 ? ': no such file' : ''})`);
  else tried.push('$KUBECONFIG (not set)');
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  let source: string | undefined;
  try {
    if (existing.length > 0) {
      kubeConfig.loadFromFile(existing[0] as string);
      for (const path of existing.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(path);
        kubeConfig.mergeConfig(more);
      }
      source = existing.join(delimiter);
    } else if (listed.length === 0 && existsSync(home)) {
      kubeConfig.loadFromFile(home);
      source = home;
    } else if (env.KUBERNETES_SERVICE_HOST !== undefined && existsSync(SERVICE_ACCOUNT_TOKEN)) {
      kubeConfig.loadFromCluster();
      source = `the pod's service account (${SERVICE_ACCOUNT_TOKEN})`;
    }
  } catch (cause) {
    throw new ClusterAccessError(`could not read the kubeconfig: ${apiMessage(cause)}`);
  }
  if (source === undefined) {
    if (listed.length === 0) tried.push(`${home} (${existsSync(home) ? 'unreadable' : 'no such file'})`);
    tried.push(
      `the in-cluster service account (${env.KUBERNETES_SERVICE_HOST === undefined ? 'KUBERNETES_SERVICE_HOST not set' : `${SERVICE_ACCOUNT_TOKEN} missing`})`,
    );
    throw new ClusterAccessError(`no Kubernetes configuration found; tried ${tried.join(', ')}`);
  }
  if (kubeConfig.getCurrentCluster() === null) {
    throw new ClusterAccessError(`the kubeconfig from ${source} has no current context with a cluster`);
  }
  const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
  return { kubeConfig, source, namespace: context?.namespace };
}

/** What the Kubernetes backend does in its namespace, as SelfSubjectAccessReview attributes. */
export const STEP_JOB_PERMISSIONS: readonly { verb: string; group: string; resource: string; subresource?: string }[] =
  [
    { verb: 'create', group: 'batch', resource: 'jobs' },
    { verb: 'get', group: 'batch', resource: 'jobs' },
    { verb: 'delete', group: 'batch', resource: 'jobs' },
    { verb: 'list', group: '', resource: 'pods' },
    { verb: 'watch', group: '', resource: 'pods' },
    { verb: 'get', group: '', resource: 'pods', subresource: 'log' },
  ];

/**
 * Checks, before the worker takes any step, that the cluster answers and lets this identity do what
 * running steps needs (the questions `kubectl auth can-i` asks); throws naming the cluster and each
 * permission missing.
 */
export async function checkClusterAccess(
  loaded: LoadedKubeConfig,
  namespace: string,
  permissions = STEP_JOB_PERMISSIONS,
): Promise<void> {
  const server = loaded.kubeConfig.getCurrentCluster()?.server ?? '?';
  const api = loaded.kubeConfig.makeApiClient(AuthorizationV1Api);
  const missing: string[] = [];
  for (const permission of permissions) {
    let allowed: boolean;
    try {
      const review = await api.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              namespace,
              verb: permission.verb,
              group: permission.group,
              resource: permission.resource,
              ...(permission.subresource === undefined ? {} : { subresource: permission.subresource }),
            },
          },
        },
      });
      allowed = review.status?.allowed === true;
    } catch (cause) {
      throw new ClusterAccessError(
        `could not reach the Kubernetes API server at ${server} (kubeconfig from ${loaded.source}, context ${loaded.kubeConfig.getCurrentContext()}): ${apiMessage(cause)}`,
      );
    }
    if (!allowed) {
      const resource =
        permission.subresource === undefined ? permission.resource : `${permission.resource}/${permission.subresource}`;
      missing.push(`${permission.verb} ${resource}${permission.group === '' ? '' : `.${permission.group}`}`);
    }
  }
  if (missing.length > 0) {
    throw new ClusterAccessError(
      `the Kubernetes identity from ${loaded.source} may not ${missing.join(', ')} in namespace "${namespace}" of ${server}; grant them with a Role (docker/kubernetes/base/worker-kubernetes.yaml has one)`,
    );
  }
}
