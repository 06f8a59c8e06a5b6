/**
 * The test kubelet: runs the containers of pods bound to its nodes (see `container-runtime.ts`) and
 * reports their status as a real kubelet does, from ContainerCreating through Running to terminated;
 * stops containers of deleted pods with SIGTERM and, after the grace period, SIGKILL; then removes the
 * pod. One instance serves every node of the test cluster.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IContainerStatus, INode, IPod, IPodCondition } from 'kubernetes-models/v1';
import { isNodeReady, nodeIP } from './cluster-nodes.ts';
import { ContainerLog } from './container-log.ts';
import {
  type ContainerExit,
  type ContainerScript,
  type KubeletBehaviour,
  type RunningContainer,
  startContainer,
} from './container-runtime.ts';
import { metaOf, type ObjectStore } from './object-store.ts';
import { resourceByKind } from './resources.ts';
import { timestamp } from './scheduler.ts';

const POD = resourceByKind('Pod');
const NODE = resourceByKind('Node');

interface ContainerRuntime {
  name: string;
  image: string;
  log: ContainerLog;
  containerID: string;
  waiting?: { reason: string; message?: string };
  running?: RunningContainer;
  startedAt?: string;
  exit?: ContainerExit;
  finishedAt?: string;
}

interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  nodeName: string;
  podIP: string;
  startTime: string;
  script: ContainerScript;
  containers: ContainerRuntime[];
  terminating: boolean;
  /** The node is gone: nothing reports this pod's status any more. */
  lost: boolean;
  timers: NodeJS.Timeout[];
}

export interface KubeletOptions {
  behaviour: KubeletBehaviour;
  podEnv: Record<string, string>;
  /** How long containers stay ContainerCreating. @default 5 */
  startDelayMs?: number;
}

/** `python:3.12` → `docker.io/library/python:3.12`, as the container runtime reports images. */
function normalizeImage(image: string): string {
  const withTag = /:[^/]+$/.test(image) || image.includes('@') ? image : `${image}:latest`;
  const first = withTag.split('/')[0] ?? '';
  if (withTag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return withTag;
  return withTag.includes('/') ? `docker.io/${withTag}` : `docker.io/library/${withTag}`;
}

function imageID(image: string): string {
  const repository = image.replace(/[:@][^/]*$/, '');
  return `${repository}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

function qosClass(pod: IPod): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const containers = pod.spec?.containers ?? [];
  const resources = containers.map((container) => container.resources ?? {});
  const none = resources.every(
    (r) => Object.keys(r.requests ?? {}).length === 0 && Object.keys(r.limits ?? {}).length === 0,
  );
  if (none) return 'BestEffort';
  const guaranteed = resources.every((r) => {
    const limits = (r.limits ?? {}) as Record<string, unknown>;
    const requests = (r.requests ?? {}) as Record<string, unknown>;
    return (['cpu', 'memory'] as const).every(
      (name) => limits[name] !== undefined && (requests[name] === undefined || requests[name] === limits[name]),
    );
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function condition(
  previous: IPodCondition[],
  type: string,
  status: 'True' | 'False',
  reason?: string,
  message?: string,
): IPodCondition {
  const before = previous.find((candidate) => candidate.type === type);
  const lastTransitionTime =
    before?.status === status && before.lastTransitionTime !== undefined ? before.lastTransitionTime : timestamp();
  return {
    type,
    status,
    ...(reason === undefined ? {} : { reason }),
    ...(message === undefined ? {} : { message }),
    lastProbeTime: null as never,
    lastTransitionTime,
  };
}

function containerStatus(container: ContainerRuntime): IContainerStatus {
  const started = container.startedAt !== undefined;
  const state: NonNullable<IContainerStatus['state']> =
    container.exit !== undefined
      ? {
          terminated: {
            exitCode: container.exit.exitCode,
            reason: container.exit.reason,
            ...(container.exit.message === undefined ? {} : { message: container.exit.message }),
            ...(container.startedAt === undefined ? {} : { startedAt: container.startedAt }),
            finishedAt: container.finishedAt ?? timestamp(),
            containerID: container.containerID,
          },
        }
      : started
        ? { running: { startedAt: container.startedAt ?? timestamp() } }
        : { waiting: container.waiting ?? { reason: 'ContainerCreating' } };
  const running = started && container.exit === undefined;
  return {
    name: container.name,
    image: container.image,
    imageID: started || container.exit !== undefined ? imageID(container.image) : '',
    ...(started || container.exit !== undefined ? { containerID: container.containerID } : {}),
    ready: running,
    restartCount: 0,
    started: running,
    state,
    lastState: {},
  };
}

export class Kubelet {
  private readonly runtimes = new Map<string, PodRuntime>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: KubeletOptions,
  ) {
    this.unsubscribe = store.subscribe((event) => {
      if (event.resource !== POD) return;
      const pod = event.object as IPod;
      // Reacting after the current write keeps status updates from nesting inside other writes.
      setImmediate(() => (event.type === 'DELETED' ? this.forget(pod) : this.sync(pod)));
    });
  }

  /** The log of a container of a pod the kubelet has started, by pod uid. */
  containerLog(uid: string, container: string): ContainerLog | undefined {
    return this.runtimes.get(uid)?.containers.find((candidate) => candidate.name === container)?.log;
  }

  /** The node went away: its containers die with it and nothing reports their status again. */
  loseNode(nodeName: string): void {
    for (const runtime of this.runtimes.values()) {
      if (runtime.nodeName !== nodeName) continue;
      runtime.lost = true;
      this.halt(runtime);
    }
  }

  close(): void {
    this.unsubscribe();
    for (const runtime of this.runtimes.values()) {
      runtime.lost = true;
      this.halt(runtime);
    }
    this.runtimes.clear();
  }

  private halt(runtime: PodRuntime): void {
    for (const timer of runtime.timers) clearTimeout(timer);
    for (const container of runtime.containers) container.running?.kill();
  }

  private sync(event: IPod): void {
    const meta = metaOf(event);
    const pod = this.store.get<IPod>(POD, meta.namespace, meta.name);
    if (pod === undefined || pod.metadata?.uid !== meta.uid) return;
    const nodeName = pod.spec?.nodeName;
    if (nodeName === undefined) return;
    let runtime = this.runtimes.get(meta.uid ?? '');
    if (runtime === undefined) {
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
      const node = this.store.get<INode>(NODE, undefined, nodeName);
      if (node === undefined || !isNodeReady(node)) return;
      if (pod.metadata?.deletionTimestamp !== undefined) {
        this.store.remove(POD, meta.namespace, meta.name);
        return;
      }
      runtime = this.admit(pod, node);
    }
    if (runtime.lost) return;
    if (pod.metadata?.deletionTimestamp !== undefined && !runtime.terminating) this.terminate(runtime, pod);
  }

  private admit(pod: IPod, node: INode): PodRuntime {
    const meta = metaOf(pod);
    const runtime: PodRuntime = {
      uid: meta.uid ?? '',
      namespace: meta.namespace ?? 'default',
      name: meta.name,
      nodeName: metaOf(node).name,
      podIP: `10.244.${1 + ((randomBytes(1)[0] ?? 0) % 250)}.${1 + ((randomBytes(1)[0] ?? 0) % 250)}`,
      startTime: timestamp(),
      script: this.options.behaviour(pod),
      containers: (pod.spec?.containers ?? []).map((container) => ({
        name: container.name,
        image: normalizeImage(container.image ?? ''),
        log: new ContainerLog(),
        containerID: `containerd://${randomBytes(32).toString('hex')}`,
      })),
      terminating: false,
      lost: false,
      timers: [],
    };
    this.runtimes.set(runtime.uid, runtime);
    this.report(runtime, nodeIP(node));
    runtime.timers.push(setTimeout(() => this.startContainers(runtime), this.options.startDelayMs ?? 5));
    return runtime;
  }

  private startContainers(runtime: PodRuntime): void {
    if (runtime.terminating || runtime.lost) return;
    const pod = this.store.get<IPod>(POD, runtime.namespace, runtime.name);
    if (pod === undefined) return;
    const script = runtime.script;
    if (script.kind === 'imagePullBackOff' || script.kind === 'errImagePull') {
      for (const container of runtime.containers) {
        container.waiting = {
          reason: 'ErrImagePull',
          message: `failed to pull and unpack image "${container.image}": failed to resolve reference "${container.image}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`,
        };
      }
      this.report(runtime);
      if (script.kind === 'imagePullBackOff') {
        runtime.timers.push(
          setTimeout(() => {
            for (const container of runtime.containers) {
              const image =
                pod.spec?.containers?.find((spec) => spec.name === container.name)?.image ?? container.image;
              container.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
            }
            this.report(runtime);
          }, 20),
        );
      }
      return;
    }
    for (const container of runtime.containers) {
      const spec = pod.spec?.containers?.find((candidate) => candidate.name === container.name);
      if (spec === undefined) continue;
      container.startedAt = timestamp();
      const running = startContainer(script, { container: spec, pod, log: container.log, podEnv: this.options.podEnv });
      container.running = running;
      void running.exited.then((exit) => {
        container.exit = exit;
        container.finishedAt = timestamp();
        if (exit.reason === 'StartError') delete container.startedAt;
        this.containerExited(runtime);
      });
    }
    this.report(runtime);
  }

  private containerExited(runtime: PodRuntime): void {
    if (runtime.lost) return;
    this.report(runtime);
    const allDone = runtime.containers.every((container) => container.exit !== undefined);
    if (allDone && runtime.terminating) this.finishDeletion(runtime);
  }

  private terminate(runtime: PodRuntime, pod: IPod): void {
    runtime.terminating = true;
    for (const timer of runtime.timers) clearTimeout(timer);
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const running = runtime.containers.filter(
      (container) => container.running !== undefined && container.exit === undefined,
    );
    if (running.length === 0) {
      this.finishDeletion(runtime);
      return;
    }
    for (const container of running) container.running?.stop(grace);
  }

  /** The pod is stopped: the kubelet reports its last status and the API object goes away. */
  private finishDeletion(runtime: PodRuntime): void {
    this.report(runtime);
    this.store.remove(POD, runtime.namespace, runtime.name);
  }

  private forget(pod: IPod): void {
    const runtime = this.runtimes.get(pod.metadata?.uid ?? '');
    if (runtime === undefined) return;
    this.runtimes.delete(runtime.uid);
    // A forced delete (grace period 0) leaves the kubelet to kill whatever still runs.
    if (runtime.containers.some((container) => container.exit === undefined)) {
      runtime.lost = true;
      this.halt(runtime);
    }
    // Keep logs readable for a moment? No: like the real API, a deleted pod's log is gone.
  }

  /** Writes the pod status that follows from the runtime state. */
  private report(runtime: PodRuntime, hostIP?: string): void {
    if (runtime.lost) return;
    this.store.mutate<IPod>(POD, runtime.namespace, runtime.name, (pod) => {
      if (pod.metadata?.uid !== runtime.uid) return;
      const previous = pod.status?.conditions ?? [];
      const statuses = runtime.containers.map(containerStatus);
      const exits = runtime.containers.map((container) => container.exit);
      const allExited = exits.every((exit) => exit !== undefined);
      const anyStarted = runtime.containers.some(
        (container) => container.startedAt !== undefined || container.exit !== undefined,
      );
      const phase = allExited
        ? exits.every((exit) => exit?.exitCode === 0)
          ? 'Succeeded'
          : 'Failed'
        : anyStarted
          ? 'Running'
          : 'Pending';
      const allReady = statuses.every((status) => status.ready);
      const unready = statuses.filter((status) => !status.ready).map((status) => status.name);
      const notReady = allExited
        ? (['PodCompleted', undefined] as const)
        : (['ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`] as const);
      const sandboxReady = anyStarted && !allExited;
      const conditions = [
        condition(previous, 'PodReadyToStartContainers', sandboxReady || !allExited ? 'True' : 'False'),
        condition(previous, 'Initialized', 'True'),
        allReady
          ? condition(previous, 'Ready', 'True')
          : condition(previous, 'Ready', 'False', notReady[0], notReady[1]),
        allReady
          ? condition(previous, 'ContainersReady', 'True')
          : condition(previous, 'ContainersReady', 'False', notReady[0], notReady[1]),
        condition(previous, 'PodScheduled', 'True'),
        ...previous.filter((existing) => existing.type === 'DisruptionTarget'),
      ];
      const ip = hostIP ?? pod.status?.hostIP ?? '10.0.0.10';
      pod.status = {
        phase,
        conditions,
        hostIP: ip,
        hostIPs: [{ ip }],
        podIP: runtime.podIP,
        podIPs: [{ ip: runtime.podIP }],
        startTime: runtime.startTime,
        containerStatuses: statuses,
        qosClass: qosClass(pod),
      };
    });
  }
}
