/**
 * Losing a node, as a Kubernetes 1.29+ control plane handles it:
 *
 * 1. the node lifecycle controller sets the node's Ready condition to Unknown ("Kubelet stopped posting
 *    node status.") and taints it `node.kubernetes.io/unreachable` (NoSchedule and NoExecute);
 * 2. the taint-eviction controller gives each pod there the condition `DisruptionTarget=True`
 *    (reason `DeletionByTaintManager`, message "Taint manager: deleting due to NoExecute taint") and
 *    deletes it gracefully; with nobody left to confirm termination the pod stays Terminating;
 * 3. the pod garbage collector then marks the terminating pod `phase: Failed` and force-deletes it.
 *
 * A real cluster waits 40 s before step 1 and 300 s (the default toleration) before step 2; here the
 * steps follow one another at once. The pod's `status.reason` stays unset (the old `NodeLost` reason is
 * no longer set by any controller) and its containerStatuses stay as the kubelet last reported them,
 * since no kubelet reports again. The Job controller counts such a pod as failed.
 */
import type { INode, IPod } from 'kubernetes-models/v1';
import { UNREACHABLE_TAINT } from './cluster-nodes.ts';
import type { Kubelet } from './kubelet.ts';
import { metaOf, type ObjectStore } from './object-store.ts';
import { resourceByKind } from './resources.ts';
import { timestamp } from './scheduler.ts';

const POD = resourceByKind('Pod');
const NODE = resourceByKind('Node');

const STEP_MS = 10;

export function loseNode(store: ObjectStore, kubelet: Kubelet, nodeName: string): void {
  if (store.get<INode>(NODE, undefined, nodeName) === undefined) throw new Error(`no node ${nodeName}`);
  kubelet.loseNode(nodeName);
  store.mutate<INode>(NODE, undefined, nodeName, (node) => {
    const now = timestamp();
    node.spec = {
      ...node.spec,
      taints: [
        { key: UNREACHABLE_TAINT, effect: 'NoSchedule', timeAdded: now },
        { key: UNREACHABLE_TAINT, effect: 'NoExecute', timeAdded: now },
      ],
      unschedulable: false,
    };
    node.status ??= {};
    node.status.conditions = (node.status.conditions ?? []).map((condition) =>
      condition.type === 'Ready'
        ? {
            ...condition,
            status: 'Unknown',
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
            lastTransitionTime: now,
          }
        : condition,
    );
  });
  const pods = store.list<IPod>(POD).filter((pod) => pod.spec?.nodeName === nodeName);
  setTimeout(() => {
    for (const pod of pods) {
      const meta = metaOf(pod);
      store.mutate<IPod>(POD, meta.namespace, meta.name, (live) => {
        const now = timestamp();
        live.status ??= {};
        live.status.conditions = [
          ...(live.status.conditions ?? []).filter((condition) => condition.type !== 'DisruptionTarget'),
          {
            type: 'DisruptionTarget',
            status: 'True',
            reason: 'DeletionByTaintManager',
            message: 'Taint manager: deleting due to NoExecute taint',
            lastProbeTime: null as never,
            lastTransitionTime: now,
          },
        ];
        const liveMeta = metaOf(live);
        liveMeta.deletionTimestamp ??= now;
        liveMeta.deletionGracePeriodSeconds ??= live.spec?.terminationGracePeriodSeconds ?? 30;
      });
    }
    setTimeout(() => {
      for (const pod of pods) {
        const meta = metaOf(pod);
        const marked = store.mutate<IPod>(POD, meta.namespace, meta.name, (live) => {
          live.status ??= {};
          if (live.status.phase !== 'Succeeded') live.status.phase = 'Failed';
        });
        if (marked !== undefined) store.remove(POD, meta.namespace, meta.name);
      }
    }, STEP_MS);
  }, STEP_MS);
}
