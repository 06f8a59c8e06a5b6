/**
 * The Deployment controller's status, without ReplicaSets or pods: a changed spec starts a rollout
 * (`Progressing` with `ReplicaSetUpdated`) that completes after `rolloutMs` (`NewReplicaSetAvailable`,
 * `Available=True`), or, for a Deployment that never becomes ready, ends with `Progressing=False`
 * `ProgressDeadlineExceeded` after its (scaled) `progressDeadlineSeconds`.
 */
import { createHash } from 'node:crypto';
import type { IDeployment, IDeploymentCondition } from 'kubernetes-models/apps/v1';
import { metaOf, type ObjectStore } from './object-store.ts';
import { resourceByKind } from './resources.ts';
import { timestamp } from './scheduler.ts';

const DEPLOYMENT = resourceByKind('Deployment');
const HASH_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Whether a Deployment's pods would become ready. */
export type DeploymentBehaviour = (deployment: IDeployment) => 'ready' | 'neverReady';

export interface DeploymentControllerOptions {
  /** How long a rollout takes. @default 50 */
  rolloutMs?: number;
  /** @default () => 'ready' */
  deploymentBehaviour?: DeploymentBehaviour;
  /** Multiplies `progressDeadlineSeconds` (600 s becomes 0.6 s). @default 1/1000 */
  progressDeadlineScale?: number;
}

/** The pod-template-hash a ReplicaSet for this template would carry. */
function templateHash(deployment: IDeployment): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(deployment.spec?.template ?? {}))
    .digest();
  return [...digest.subarray(0, 10)].map((byte) => HASH_ALPHABET[byte % HASH_ALPHABET.length]).join('');
}

function deploymentCondition(
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  previous?: IDeploymentCondition,
): IDeploymentCondition {
  const now = timestamp();
  return {
    type,
    status,
    lastUpdateTime: now,
    lastTransitionTime:
      previous?.status === status && previous.lastTransitionTime !== undefined ? previous.lastTransitionTime : now,
    reason,
    message,
  };
}

export class DeploymentController {
  private readonly timers = new Map<string, NodeJS.Timeout[]>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: DeploymentControllerOptions,
  ) {
    this.unsubscribe = store.subscribe((event) => {
      if (event.resource !== DEPLOYMENT) return;
      const deployment = event.object as IDeployment;
      const uid = deployment.metadata?.uid ?? '';
      if (event.type === 'DELETED') {
        this.clearTimers(uid);
        return;
      }
      if (deployment.status?.observedGeneration === deployment.metadata?.generation) return;
      setImmediate(() => this.startRollout(deployment));
    });
  }

  stop(): void {
    this.unsubscribe();
    for (const uid of this.timers.keys()) this.clearTimers(uid);
  }

  private clearTimers(uid: string): void {
    for (const timer of this.timers.get(uid) ?? []) clearTimeout(timer);
    this.timers.delete(uid);
  }

  private later(uid: string, ms: number, step: () => void): void {
    const timers = this.timers.get(uid) ?? [];
    timers.push(setTimeout(step, ms));
    this.timers.set(uid, timers);
  }

  private write(deployment: IDeployment, change: (live: IDeployment, replicaSet: string) => void): void {
    const meta = metaOf(deployment);
    this.store.mutate<IDeployment>(DEPLOYMENT, meta.namespace, meta.name, (live) => {
      if (live.metadata?.uid !== meta.uid || live.metadata?.generation !== meta.generation) return;
      change(live, `${meta.name}-${templateHash(live)}`);
    });
  }

  private startRollout(deployment: IDeployment): void {
    const uid = deployment.metadata?.uid ?? '';
    this.clearTimers(uid);
    const replicas = deployment.spec?.replicas ?? 1;
    this.write(deployment, (live, replicaSet) => {
      const previous = live.status?.conditions ?? [];
      const available = previous.find((condition) => condition.type === 'Available');
      live.status = {
        ...live.status,
        observedGeneration: live.metadata?.generation ?? 1,
        replicas,
        updatedReplicas: 0,
        unavailableReplicas: replicas,
        conditions: [
          available ??
            deploymentCondition(
              'Available',
              'False',
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
            ),
          deploymentCondition(
            'Progressing',
            'True',
            'ReplicaSetUpdated',
            `ReplicaSet "${replicaSet}" is progressing.`,
            previous.find((condition) => condition.type === 'Progressing'),
          ),
        ],
      };
    });
    const behaviour = this.options.deploymentBehaviour?.(deployment) ?? 'ready';
    if (behaviour === 'ready') {
      this.later(uid, this.options.rolloutMs ?? 50, () =>
        this.write(deployment, (live, replicaSet) => {
          const previous = live.status?.conditions ?? [];
          live.status = {
            observedGeneration: live.metadata?.generation ?? 1,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
            conditions: [
              deploymentCondition(
                'Available',
                'True',
                'MinimumReplicasAvailable',
                'Deployment has minimum availability.',
                previous.find((condition) => condition.type === 'Available'),
              ),
              deploymentCondition(
                'Progressing',
                'True',
                'NewReplicaSetAvailable',
                `ReplicaSet "${replicaSet}" has successfully progressed.`,
                previous.find((condition) => condition.type === 'Progressing'),
              ),
            ],
          };
        }),
      );
      return;
    }
    this.later(uid, this.options.rolloutMs ?? 50, () =>
      this.write(deployment, (live) => {
        live.status = { ...live.status, updatedReplicas: replicas, unavailableReplicas: replicas };
      }),
    );
    const deadlineMs =
      (deployment.spec?.progressDeadlineSeconds ?? 600) * 1000 * (this.options.progressDeadlineScale ?? 1 / 1000);
    this.later(uid, deadlineMs, () =>
      this.write(deployment, (live, replicaSet) => {
        const previous = live.status?.conditions ?? [];
        live.status = {
          ...live.status,
          conditions: [
            ...previous.filter((condition) => condition.type !== 'Progressing'),
            deploymentCondition(
              'Progressing',
              'False',
              'ProgressDeadlineExceeded',
              `ReplicaSet "${replicaSet}" has timed out progressing.`,
              previous.find((condition) => condition.type === 'Progressing'),
            ),
          ],
        };
      }),
    );
  }
}
