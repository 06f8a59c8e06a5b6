/**
 * The default scheduler's resource fit: a pod goes to the first ready node whose allocatable minus the
 * requests of the pods already bound there covers the pod's requests. Unschedulable pods get the real
 * scheduler's `PodScheduled=False` condition and message, and are retried whenever a pod or node changes.
 */
import type { INode, IPod } from 'kubernetes-models/v1';
import { isNodeReady, UNREACHABLE_TAINT } from './cluster-nodes.ts';
import { metaOf, type ObjectStore } from './object-store.ts';
import { parseQuantity } from './quantity.ts';
import { resourceByKind } from './resources.ts';

const POD = resourceByKind('Pod');
const NODE = resourceByKind('Node');
const SCHEDULED_RESOURCES = ['cpu', 'memory', 'nvidia.com/gpu'] as const;

type Requests = Record<(typeof SCHEDULED_RESOURCES)[number], number>;

export function timestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The pod's requests; a limit stands in for an absent request, as API defaulting makes it. */
export function podRequests(pod: IPod): Requests {
  const total: Requests = { cpu: 0, memory: 0, 'nvidia.com/gpu': 0 };
  for (const container of pod.spec?.containers ?? []) {
    const requests = (container.resources?.requests ?? {}) as Record<string, string | number>;
    const limits = (container.resources?.limits ?? {}) as Record<string, string | number>;
    for (const name of SCHEDULED_RESOURCES) {
      const quantity = requests[name] ?? limits[name];
      if (quantity !== undefined) total[name] += parseQuantity(quantity);
    }
  }
  return total;
}

function isTerminal(pod: IPod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Why `pod` does not fit `node`, as the scheduler's reason strings; empty when it fits. */
function misfits(pod: IPod, node: INode, boundPods: IPod[]): string[] {
  if (!isNodeReady(node)) return [`node(s) had untolerated taint {${UNREACHABLE_TAINT}: }`];
  const allocatable = (node.status?.allocatable ?? {}) as Record<string, string>;
  const used: Requests = { cpu: 0, memory: 0, 'nvidia.com/gpu': 0 };
  for (const bound of boundPods) {
    const requests = podRequests(bound);
    for (const name of SCHEDULED_RESOURCES) used[name] += requests[name];
  }
  const wanted = podRequests(pod);
  return SCHEDULED_RESOURCES.filter(
    (name) => wanted[name] > 0 && used[name] + wanted[name] > parseQuantity(allocatable[name] ?? '0') + 1e-9,
  ).map((name) => `Insufficient ${name}`);
}

/** `0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: ...`, as kube-scheduler words it. */
export function unschedulableMessage(nodeCount: number, reasonsByNode: string[][]): string {
  const histogram = new Map<string, number>();
  for (const reasons of reasonsByNode)
    for (const reason of reasons) histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
  const listed = [...histogram.entries()].map(([reason, count]) => `${count} ${reason}`).sort();
  const preemption = new Map<string, number>();
  for (const reasons of reasonsByNode) {
    // Preemption cannot help with a taint; with no lower-priority pods it finds no victims either.
    const verdict = reasons.some((reason) => reason.startsWith('node(s) had untolerated taint'))
      ? 'Preemption is not helpful for scheduling'
      : 'No preemption victims found for incoming pod';
    preemption.set(verdict, (preemption.get(verdict) ?? 0) + 1);
  }
  const preemptionListed = [...preemption.entries()].map(([reason, count]) => `${count} ${reason}`).sort();
  const nodes = `0/${nodeCount} nodes are available`;
  if (nodeCount === 0) return `${nodes}: no nodes available to schedule pods.`;
  return `${nodes}: ${listed.join(', ')}. preemption: ${nodes}: ${preemptionListed.join(', ')}.`;
}

export class Scheduler {
  private pending = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ObjectStore) {
    this.unsubscribe = store.subscribe((event) => {
      if (event.resource === POD || event.resource === NODE) this.requestPass();
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  /** Coalesces bursts of events into one scheduling pass. */
  private requestPass(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.schedulePending();
    });
  }

  private schedulePending(): void {
    const pods = this.store.list<IPod>(POD);
    const nodes = this.store.list<INode>(NODE);
    const waiting = pods
      .filter(
        (pod) => pod.spec?.nodeName === undefined && pod.metadata?.deletionTimestamp === undefined && !isTerminal(pod),
      )
      .sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? ''));
    for (const pod of waiting) {
      const bound = (node: INode) =>
        this.store.list<IPod>(POD).filter((other) => other.spec?.nodeName === metaOf(node).name && !isTerminal(other));
      const reasonsByNode = nodes.map((node) => misfits(pod, node, bound(node)));
      const fitIndex = reasonsByNode.findIndex((reasons) => reasons.length === 0);
      const meta = metaOf(pod);
      const chosen = nodes[fitIndex];
      if (chosen !== undefined) {
        this.store.mutate<IPod>(POD, meta.namespace, meta.name, (live) => {
          if (live.spec !== undefined) live.spec.nodeName = metaOf(chosen).name;
          live.status ??= {};
          const others = (live.status.conditions ?? []).filter((condition) => condition.type !== 'PodScheduled');
          live.status.conditions = [
            ...others,
            { type: 'PodScheduled', status: 'True', lastProbeTime: null as never, lastTransitionTime: timestamp() },
          ];
        });
        continue;
      }
      const message = unschedulableMessage(nodes.length, reasonsByNode);
      this.store.mutate<IPod>(POD, meta.namespace, meta.name, (live) => {
        live.status ??= { phase: 'Pending' };
        const current = live.status.conditions?.find((condition) => condition.type === 'PodScheduled');
        if (current?.message === message) return;
        live.status.conditions = [
          ...(live.status.conditions ?? []).filter((condition) => condition.type !== 'PodScheduled'),
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message,
            lastProbeTime: null as never,
            lastTransitionTime: timestamp(),
          },
        ];
      });
    }
  }
}
