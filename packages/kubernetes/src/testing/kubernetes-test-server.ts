/**
 * A Kubernetes API server for tests, over real HTTP, close enough to the real one that
 * @kubernetes/client-node's typed APIs, `Watch` and `Log` work against it unchanged. Behind it run a
 * Job controller, a scheduler, a kubelet (whose containers are scripted or real local processes), a
 * Deployment status controller and a node-loss simulation.
 *
 * Not modelled: namespaces as objects, ReplicaSets and Deployment pods, Services' endpoints, HPA
 * scaling, admission webhooks, real RBAC roles, exec/attach/port-forward, protobuf and CBOR, paging
 * (`limit`/`continue`), init and sidecar containers' ordering, container restarts (restartPolicy
 * Always/OnFailure), indexed Jobs, Job pod-failure policies, the Job controller's backoff delay before
 * a replacement pod, and finalizers other than `foregroundDeletion`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { IPod } from 'kubernetes-models/v1';
import { stringify } from 'yaml';
import { AccessRules, type DenyRule } from './access-rules.ts';
import { handleRequest, TEST_USER } from './api-routes.ts';
import { DEFAULT_NODES, nodeObject, type TestNode } from './cluster-nodes.ts';
import type { KubeletBehaviour } from './container-runtime.ts';
import { DeploymentController, type DeploymentControllerOptions } from './deployment-controller.ts';
import { JobController } from './job-controller.ts';
import { Kubelet } from './kubelet.ts';
import { loseNode } from './node-lifecycle.ts';
import { type KubeObject, ObjectStore } from './object-store.ts';
import { resourceByKind } from './resources.ts';
import { Scheduler } from './scheduler.ts';

export interface KubernetesTestServerOptions extends DeploymentControllerOptions {
  /** @default one node 'node-1' with cpu '4', memory '8Gi' and no GPU */
  nodes?: TestNode[];
  /** The bearer token requests must carry; it is put in the kubeconfig. @default a random one */
  token?: string;
  /** What each pod's containers do. @default () => ({ kind: 'process' }) */
  kubelet?: KubeletBehaviour;
  /** Extra environment for containers run as processes (e.g. PATH). @default {} */
  podEnv?: Record<string, string>;
  /** How many changes watches can replay from before answering 410 Expired. @default 1000 */
  watchHistoryLimit?: number;
  /** How often watches with allowWatchBookmarks get a BOOKMARK. @default 1000 */
  bookmarkMs?: number;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  /** 0 until the response status is written. */
  status: number;
}

/** Kinds `objects()` can list. */
export type StoredKind = 'Job' | 'Pod' | 'Deployment' | 'Service' | 'HorizontalPodAutoscaler' | 'Node';

export interface KubernetesTestServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** A kubeconfig (YAML) for this server: its cluster, a user with the token, and a context for namespace `default`. */
  readonly kubeconfig: string;
  readonly token: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** A snapshot of the stored objects of a kind, optionally in one namespace. */
  objects<T = KubeObject>(kind: StoredKind, namespace?: string): T[];
  /**
   * false: stop listening and destroy open connections (watches end, new connections are refused);
   * true: listen again on the same port. Controllers keep running meanwhile, as a cluster does when
   * only its API endpoint is unreachable.
   */
  setAvailable(available: boolean): Promise<void>;
  /** Later requests matching the rule get 403 Forbidden, and SelfSubjectAccessReviews say so. */
  deny(rule: DenyRule): void;
  /** Deletes a pod as `kubectl delete pod` does (graceful, unless `gracePeriodSeconds` is 0). */
  deletePod(name: string, namespace?: string, gracePeriodSeconds?: number): void;
  /** Simulates losing a node; see node-lifecycle.ts for what a real cluster shows. */
  loseNode(name: string): void;
  /** Stops the server and the controllers and kills every container process. */
  close(): Promise<void>;
}

function kubeconfigFor(url: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node 2 refuses plain http unless TLS verification is explicitly skipped.
    clusters: [{ name: 'loom-test', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: TEST_USER, user: { token } }],
    contexts: [{ name: 'loom-test', context: { cluster: 'loom-test', user: TEST_USER, namespace: 'default' } }],
    'current-context': 'loom-test',
  });
}

/**
 * Starts the test server on a free port of 127.0.0.1.
 *
 * @example
 * const cluster = await startKubernetesTestServer();
 * const config = new KubeConfig();
 * config.loadFromString(cluster.kubeconfig);
 * const batch = config.makeApiClient(BatchV1Api);
 */
export async function startKubernetesTestServer(
  options: KubernetesTestServerOptions = {},
): Promise<KubernetesTestServer> {
  const store = new ObjectStore(
    options.watchHistoryLimit === undefined ? {} : { historyLimit: options.watchHistoryLimit },
  );
  const token = options.token ?? randomBytes(24).toString('base64url');
  const access = new AccessRules();
  const nodeResource = resourceByKind('Node');
  for (const [index, node] of (options.nodes ?? DEFAULT_NODES).entries())
    store.create(nodeResource, nodeObject(node, index));

  const scheduler = new Scheduler(store);
  const jobs = new JobController(store);
  const kubelet = new Kubelet(store, {
    behaviour: options.kubelet ?? (() => ({ kind: 'process' })),
    podEnv: options.podEnv ?? {},
  });
  const deployments = new DeploymentController(store, options);

  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let port = 0;
  const address = () => `127.0.0.1:${port}`;
  const context = { store, jobs, token, access, kubelet, address, bookmarkMs: options.bookmarkMs ?? 1000 };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const entry: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: request.headers['content-type'],
      status: 0,
    };
    requests.push(entry);
    const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
    (response as { writeHead: unknown }).writeHead = (code: number, ...rest: unknown[]) => {
      entry.status = code;
      return writeHead(code, ...rest);
    };
    void handleRequest(context, request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    });
  await listen();
  const url = `http://${address()}`;
  let listening = true;

  return {
    url,
    kubeconfig: kubeconfigFor(url, token),
    token,
    requests,
    objects: <T = KubeObject>(kind: StoredKind, namespace?: string) =>
      store.list(resourceByKind(kind), namespace) as T[],
    async setAvailable(available) {
      if (available === listening) return;
      listening = available;
      await (available ? listen() : stopListening());
    },
    deny: (rule) => access.deny(rule),
    deletePod(name, namespace = 'default', gracePeriodSeconds) {
      const pod = store.get<IPod>(resourceByKind('Pod'), namespace, name);
      if (pod !== undefined) jobs.deletePod(pod, gracePeriodSeconds);
    },
    loseNode: (name) => loseNode(store, kubelet, name),
    async close() {
      scheduler.stop();
      jobs.stop();
      deployments.stop();
      kubelet.close();
      if (listening) await stopListening();
      listening = false;
    },
  };
}
