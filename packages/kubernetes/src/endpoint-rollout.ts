import type { V1Deployment } from '@kubernetes/client-node';

/** Where a Deployment's rollout stands, as `kubectl rollout status` judges it. */
export type RolloutVerdict =
  | { kind: 'complete' }
  | { kind: 'waiting'; message: string }
  | { kind: 'failed'; reason: string; message: string };

/**
 * Judges a Deployment's rollout as `kubectl rollout status` does: until the controller has observed
 * this generation nothing is known; `Progressing=False` with `ProgressDeadlineExceeded` is a failure;
 * it is complete once every replica asked for runs the new template (`updatedReplicas`), no old one is
 * left (`replicas`) and all are available (`availableReplicas`), and the `Progressing` condition, when
 * there is one, says `NewReplicaSetAvailable`.
 *
 * @example
 * rolloutVerdict(await apps.readNamespacedDeployment({ name, namespace })) // { kind: 'waiting', message: '1 of 2 updated replicas are available' }
 */
export function rolloutVerdict(deployment: V1Deployment): RolloutVerdict {
  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < generation) {
    return { kind: 'waiting', message: 'waiting for the Deployment controller to observe the new spec' };
  }
  const progressing = status.conditions?.find((condition) => condition.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return {
      kind: 'failed',
      reason: 'ProgressDeadlineExceeded',
      message: progressing.message ?? 'the Deployment exceeded its progress deadline',
    };
  }
  const wanted = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < wanted) return { kind: 'waiting', message: `${updated} of ${wanted} new replicas have been updated` };
  if (replicas > updated) {
    return { kind: 'waiting', message: `${replicas - updated} old replicas are pending termination` };
  }
  if (available < updated)
    return { kind: 'waiting', message: `${available} of ${updated} updated replicas are available` };
  // Stricter than kubectl: the controller marks a complete rollout `NewReplicaSetAvailable` in the same
  // status write as the counts above. Waiting for it too means counts that still include the old
  // ReplicaSet's available pods (an API that reports `replicas` without them) never pass for complete.
  if (progressing !== undefined && progressing.reason !== 'NewReplicaSetAvailable') {
    return { kind: 'waiting', message: progressing.message ?? `the rollout is ${progressing.reason ?? 'progressing'}` };
  }
  return { kind: 'complete' };
}
