import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { STEP_JOB_PERMISSIONS } from '../packages/kubernetes/src/cluster-access.ts';
import { DEFAULT_PREFIX, queueName } from '../packages/runtime/src/queue/queue-names.ts';

/**
 * The manifests in docker/kubernetes, checked against the official schemas: Kubernetes' OpenAPI
 * document (through `kubernetes-models`) and KEDA's own CRD schema (through `@kubernetes-models/keda`,
 * generated from the CRDs KEDA publishes). No cluster runs here: nothing is applied.
 */

const root = fileURLToPath(new URL('../docker/kubernetes/', import.meta.url));
const overlay = join(root, 'overlays/example');

type K8sObject = { apiVersion?: string; kind?: string; metadata?: { name?: string } } & Record<string, unknown>;
interface Model {
  validate(): void;
}
const MODELS: Record<string, new (data: never) => Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

/** Throws naming the object and the schema's complaint. */
function validate(object: K8sObject, where: string): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const Model = MODELS[key];
  if (Model === undefined) throw new Error(`${where}: no schema for ${key}`);
  try {
    new Model(object as never).validate();
  } catch (cause) {
    throw new Error(`${where}: ${key} ${object.metadata?.name}: ${cause instanceof Error ? cause.message : cause}`);
  }
}

function parseYaml(text: string, where: string): K8sObject[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${where}: ${doc.errors[0]?.message}`);
    return doc.toJS() as K8sObject;
  });
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return name.endsWith('.yaml') ? [path] : [];
  });
}

const kustomizations = yamlFiles(root).filter((path) => path.endsWith('/kustomization.yaml'));
const manifests = yamlFiles(root).filter((path) => !path.endsWith('/kustomization.yaml'));

function kubectlKustomize(dir: string): string | undefined {
  try {
    return execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cause;
  }
}
const rendered = kubectlKustomize(overlay);

describe('docker/kubernetes manifests', () => {
  it.each(manifests.map((path) => relative(root, path)))('%s validates against the official schemas', (file) => {
    const objects = parseYaml(readFileSync(join(root, file), 'utf8'), file);
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) validate(object, file);
  });

  it.each(kustomizations.map((path) => relative(root, path)))(
    '%s lists every manifest beside it, and only files that exist',
    (file) => {
      const dir = dirname(join(root, file));
      const [kustomization] = parseYaml(readFileSync(join(root, file), 'utf8'), file);
      const listed = ((kustomization?.resources ?? []) as string[]).filter((entry) => entry.endsWith('.yaml'));
      const beside = readdirSync(dir).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml');
      expect(listed.sort()).toEqual(beside.sort());
      for (const entry of [
        ...((kustomization?.resources ?? []) as string[]),
        ...((kustomization?.components ?? []) as string[]),
      ]) {
        expect(statSync(join(dir, entry)), `${file} names ${entry}`).toBeTruthy();
      }
    },
  );

  it('the KEDA trigger watches the BullMQ lists Loom really uses', () => {
    const [scaled] = parseYaml(
      readFileSync(join(root, 'components/keda/worker-cpu-scaledobject.yaml'), 'utf8'),
      'keda',
    );
    const triggers = (scaled?.spec as { triggers?: { metadata: { listName: string } }[] } | undefined)?.triggers ?? [];
    const lists = triggers.map((trigger) => trigger.metadata.listName);
    const queue = `${DEFAULT_PREFIX}:${queueName('cpu')}`;
    expect(lists).toEqual([`${queue}:wait`, `${queue}:active`]);
  });

  it("the Kubernetes backend's Role grants every permission the worker checks at start", () => {
    const objects = parseYaml(readFileSync(join(root, 'base/worker-kubernetes.yaml'), 'utf8'), 'worker-kubernetes');
    const role = objects.find((object) => object.kind === 'Role') as unknown as {
      rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    };
    for (const permission of STEP_JOB_PERMISSIONS) {
      const resource =
        permission.subresource === undefined ? permission.resource : `${permission.resource}/${permission.subresource}`;
      const granted = role.rules.some(
        (rule) =>
          rule.apiGroups.includes(permission.group) &&
          rule.resources.includes(resource) &&
          rule.verbs.includes(permission.verb),
      );
      expect(granted, `${permission.verb} ${resource}`).toBe(true);
    }
  });

  describe.skipIf(rendered === undefined)('the example overlay, rendered by `kubectl kustomize`', () => {
    const objects = rendered === undefined ? [] : parseYaml(rendered, 'overlays/example (rendered)');
    const named = (kind: string) => objects.filter((object) => object.kind === kind).map((o) => o.metadata?.name);

    it('renders every object valid against the official schemas', () => {
      expect(objects.map((object) => object.kind).sort()).toEqual(
        [
          'ConfigMap',
          'Deployment',
          'Deployment',
          'Deployment',
          'Deployment',
          'Deployment',
          'HorizontalPodAutoscaler',
          'Namespace',
          'PersistentVolumeClaim',
          'Role',
          'Role',
          'RoleBinding',
          'RoleBinding',
          'ScaledObject',
          'Secret',
          'ServiceAccount',
          'ServiceAccount',
          'Service',
          'Service',
          'Service',
          'StatefulSet',
        ].sort(),
      );
      for (const object of objects) validate(object, 'overlays/example (rendered)');
    });

    it('runs every container as non-root with resources, tagged images and references that resolve', () => {
      const secrets = named('Secret');
      const claims = named('PersistentVolumeClaim');
      const configMaps = named('ConfigMap');
      for (const workload of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
        const name = workload.metadata?.name;
        const pod = (workload as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
        expect(pod.securityContext?.runAsNonRoot, `${name} runAsNonRoot`).toBe(true);
        for (const container of pod.containers) {
          expect(container.image, `${name} image tag`).toMatch(/:[\w.-]+$/);
          expect(container.resources?.limits, `${name} limits`).toBeDefined();
          expect(container.resources?.requests, `${name} requests`).toBeDefined();
          expect(container.securityContext?.allowPrivilegeEscalation, `${name} privilege escalation`).toBe(false);
          for (const env of container.env ?? []) {
            const ref = env.valueFrom?.secretKeyRef?.name;
            if (ref !== undefined) expect(secrets, `${name} ${env.name}`).toContain(ref);
          }
          for (const from of container.envFrom ?? []) expect(configMaps).toContain(from.configMapRef?.name);
        }
        for (const volume of pod.volumes ?? []) {
          if (volume.persistentVolumeClaim) expect(claims).toContain(volume.persistentVolumeClaim.claimName);
        }
      }
      const gpu = objects.find((o) => o.metadata?.name === 'loom-worker-gpu') as unknown as {
        spec: { template: { spec: PodSpec } };
      };
      expect(gpu.spec.template.spec.containers[0]?.resources?.limits?.['nvidia.com/gpu']).toBe('1');
      expect(named('Namespace')).toEqual(['loom']);
      // Step pods run the tagged worker image, like the workers themselves.
      const stepWorker = objects.find(
        (o) => o.kind === 'Deployment' && o.metadata?.name === 'loom-worker-kubernetes',
      ) as unknown as {
        spec: { template: { spec: PodSpec } };
      };
      const container = stepWorker.spec.template.spec.containers[0];
      const stepImage = container?.env?.find((env) => env.name === 'LOOM_KUBERNETES_IMAGE') as { value?: string };
      expect(stepImage.value).toBe(container?.image);
      // Endpoint pods run the tagged model-server image, like the model server itself.
      const server = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'loom-server') as unknown as {
        spec: { template: { spec: PodSpec } };
      };
      const modelServer = objects.find(
        (o) => o.kind === 'Deployment' && o.metadata?.name === 'loom-model-server',
      ) as unknown as { spec: { template: { spec: PodSpec } } };
      const endpointImage = server.spec.template.spec.containers[0]?.env?.find(
        (env) => env.name === 'LOOM_KUBERNETES_ENDPOINT_IMAGE',
      ) as { value?: string };
      expect(endpointImage.value).toBe(modelServer.spec.template.spec.containers[0]?.image);
    });
  });
  describe.skipIf(rendered === undefined)('the base with the Prometheus HPA component instead of KEDA', () => {
    it('renders every object valid, with an HPA for the CPU workers and no ScaledObject', () => {
      // kustomize takes no absolute paths: a throwaway kustomization names the base relatively.
      const dir = mkdtempSync(join(tmpdir(), 'loom-kustomize-'));
      try {
        const up = relative(dir, root);
        writeFileSync(
          join(dir, 'kustomization.yaml'),
          `resources: [${up}/base]\ncomponents: [${up}/components/prometheus-hpa]\n` +
            'secretGenerator: [{ name: loom-api-token, literals: [token=test] }]\n',
        );
        const objects = parseYaml(kubectlKustomize(dir) ?? '', 'base + prometheus-hpa (rendered)');
        for (const object of objects) validate(object, 'base + prometheus-hpa (rendered)');
        const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.metadata?.name);
        expect(hpas.sort()).toEqual(['loom-model-server', 'loom-worker-cpu']);
        expect(objects.some((o) => o.kind === 'ScaledObject')).toBe(false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  containers: {
    image?: string;
    resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
    securityContext?: { allowPrivilegeEscalation?: boolean };
    env?: { name: string; valueFrom?: { secretKeyRef?: { name?: string } } }[];
    envFrom?: { configMapRef?: { name?: string } }[];
  }[];
  volumes?: { persistentVolumeClaim?: { claimName: string } }[];
}
