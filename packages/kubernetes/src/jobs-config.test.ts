import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClusterAccessError, loadKubeConfig } from './cluster-access.ts';
import { kubernetesJobsConfigFromEnv } from './jobs-config.ts';

describe('kubernetesJobsConfigFromEnv', () => {
  it('reads the step pods’ settings, passing LOOM_API_URL and LOOM_DATA_ROOTS on and the token by Secret', () => {
    expect(
      kubernetesJobsConfigFromEnv(
        {
          LOOM_KUBERNETES_IMAGE: 'loom/worker:0.1.0',
          LOOM_KUBERNETES_NODE_SELECTOR: 'pool=batch, zone=a',
          LOOM_KUBERNETES_PENDING_TIMEOUT: '90',
          LOOM_KUBERNETES_JOB_TTL: '120',
          LOOM_KUBERNETES_TOKEN_SECRET: 'loom-api-token',
          LOOM_KUBERNETES_COMMAND: '["/usr/bin/env","loom"]',
          LOOM_API_URL: 'http://loom-server:8080',
          LOOM_API_TOKEN: 'never passed as a value',
        },
        { namespace: 'ml' },
      ),
    ).toEqual({
      namespace: 'ml',
      image: 'loom/worker:0.1.0',
      command: ['/usr/bin/env', 'loom'],
      artifactVolume: { claimName: 'loom-home', mountPath: '/var/lib/loom' },
      nodeSelector: { pool: 'batch', zone: 'a' },
      pendingTimeoutMs: 90_000,
      ttlSecondsAfterFinished: 120,
      env: { LOOM_API_URL: 'http://loom-server:8080' },
      secretEnv: { LOOM_API_TOKEN: { secret: 'loom-api-token', key: 'token' } },
    });
  });

  it('names the variable that is missing or wrong', () => {
    expect(() => kubernetesJobsConfigFromEnv({})).toThrow(/^LOOM_KUBERNETES_IMAGE must name the image/);
    const withImage = { LOOM_KUBERNETES_IMAGE: 'x' };
    expect(() => kubernetesJobsConfigFromEnv({ ...withImage, LOOM_KUBERNETES_COMMAND: 'loom step' })).toThrow(
      /LOOM_KUBERNETES_COMMAND must be a JSON array of strings/,
    );
    expect(() => kubernetesJobsConfigFromEnv({ ...withImage, LOOM_KUBERNETES_PENDING_TIMEOUT: 'soon' })).toThrow(
      /LOOM_KUBERNETES_PENDING_TIMEOUT must be a number of seconds, not "soon"/,
    );
    expect(() => kubernetesJobsConfigFromEnv({ ...withImage, LOOM_KUBERNETES_JOB_TTL: '0' })).toThrow(
      /LOOM_KUBERNETES_JOB_TTL must be at least 60 seconds, not 0: a Job deleted before its worker reads/,
    );
    expect(() => kubernetesJobsConfigFromEnv({ ...withImage, LOOM_KUBERNETES_NODE_SELECTOR: 'pool' })).toThrow(
      /LOOM_KUBERNETES_NODE_SELECTOR must be key=value pairs/,
    );
    expect(() => kubernetesJobsConfigFromEnv({ ...withImage, LOOM_KUBERNETES_IMAGE_PULL_POLICY: 'Sometimes' })).toThrow(
      /Always, IfNotPresent or Never/,
    );
  });
});

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://k8s.example:6443' } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: ctx, context: { cluster: c, user: u, namespace: ml } }]
current-context: ctx
`;

describe('loadKubeConfig', () => {
  it('takes $KUBECONFIG, else ~/.kube/config, and reads the context namespace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-kubeconfig-'));
    const path = join(dir, 'config');
    writeFileSync(path, KUBECONFIG);
    const loaded = loadKubeConfig({ KUBECONFIG: path, HOME: dir });
    expect(loaded.source).toBe(path);
    expect(loaded.namespace).toBe('ml');
    expect(loaded.kubeConfig.getCurrentCluster()?.server).toBe('https://k8s.example:6443');
  });

  it('fails naming every place it looked, instead of falling back to localhost:8080', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-kubeconfig-none-'));
    expect(() => loadKubeConfig({ HOME: dir })).toThrow(ClusterAccessError);
    expect(() => loadKubeConfig({ HOME: dir })).toThrow(
      `no Kubernetes configuration found; tried $KUBECONFIG (not set), ${join(dir, '.kube', 'config')} (no such file), the in-cluster service account (KUBERNETES_SERVICE_HOST not set)`,
    );
    expect(() => loadKubeConfig({ HOME: dir, KUBECONFIG: join(dir, 'missing') })).toThrow(
      /tried \$KUBECONFIG \(.*missing: no such file\), the in-cluster service account/,
    );
  });
});
