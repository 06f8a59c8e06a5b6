/**
 * The Job controller, for non-indexed Jobs of one completion (what Loom runs): it creates the pod,
 * replaces failed pods up to `backoffLimit`, enforces `activeDeadlineSeconds`, keeps the Job's status
 * counters and conditions as Kubernetes 1.31+ does (`SuccessCriteriaMet`/`FailureTarget` first, then
 * `Complete`/`Failed` once no pod is left running), and deletes finished Jobs after
 * `ttlSecondsAfterFinished`. Also the garbage collector for Jobs' pods.
 */
import { randomBytes } from 'node:crypto';
import type { IJob, IJobCondition } from 'kubernetes-models/batch/v1';
import type { IPod } from 'kubernetes-models/v1';
import { clone, metaOf, type ObjectStore } from './object-store.ts';
import { resourceByKind } from './resources.ts';
import { timestamp } from './scheduler.ts';

const POD = resourceByKind('Pod');
const JOB = resourceByKind('Job');
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` suffixes are five characters from this alphabet, as apiserver makes them. */
export function randomSuffix(length = 5): string {
  return [...randomBytes(length)].map((byte) => NAME_ALPHABET[byte % NAME_ALPHABET.length]).join('');
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

function ownedBy(pod: IPod, job: IJob): boolean {
  return (pod.metadata?.ownerReferences ?? []).some(
    (owner) => owner.uid === job.metadata?.uid && owner.controller === true,
  );
}

function isFinished(job: IJob): boolean {
  return (job.status?.conditions ?? []).some(
    (condition) => (condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True',
  );
}

function jobCondition(type: string, reason: string, message: string): IJobCondition {
  const now = timestamp();
  return { type, status: 'True', reason, message, lastProbeTime: now, lastTransitionTime: now };
}

interface JobTracking {
  /** Pods already counted in succeeded/failed, by uid. */
  counted: Set<string>;
  deadlineTimer?: NodeJS.Timeout;
  ttlTimer?: NodeJS.Timeout;
}

export class JobController {
  private readonly tracking = new Map<string, JobTracking>();
  private readonly unsubscribe: () => void;
  private pending = false;

  constructor(private readonly store: ObjectStore) {
    this.unsubscribe = store.subscribe((event) => {
      if (event.resource === JOB || event.resource === POD) this.requestSync();
      if (event.resource === JOB && event.type === 'DELETED') this.jobDeleted(event.object as IJob);
    });
  }

  stop(): void {
    this.unsubscribe();
    for (const tracking of this.tracking.values()) {
      clearTimeout(tracking.deadlineTimer);
      clearTimeout(tracking.ttlTimer);
    }
  }

  /**
   * Deletes a Job as the API's DELETE does: Background removes it now and its pods right after;
   * Foreground removes the pods first and the Job once they are gone; Orphan leaves the pods, freed
   * of their owner reference.
   */
  deleteJob(namespace: string, name: string, policy: PropagationPolicy, gracePeriodSeconds?: number): IJob | undefined {
    const job = this.store.get<IJob>(JOB, namespace, name);
    if (job === undefined) return undefined;
    if (policy === 'Foreground') {
      return this.store.mutate<IJob>(JOB, namespace, name, (live) => {
        const meta = metaOf(live);
        meta.deletionTimestamp ??= timestamp();
        meta.deletionGracePeriodSeconds = 0;
        meta.finalizers = [...new Set([...(meta.finalizers ?? []), 'foregroundDeletion'])];
      });
    }
    const removed = this.store.remove<IJob>(JOB, namespace, name);
    const pods = this.podsOf(job);
    if (policy === 'Orphan') {
      for (const pod of pods) {
        this.store.mutate<IPod>(POD, namespace, metaOf(pod).name, (live) => {
          const meta = metaOf(live);
          meta.ownerReferences = (meta.ownerReferences ?? []).filter((owner) => owner.uid !== job.metadata?.uid);
          if (meta.ownerReferences.length === 0) delete meta.ownerReferences;
        });
      }
    } else {
      setImmediate(() => {
        for (const pod of pods) this.deletePod(pod, gracePeriodSeconds);
      });
    }
    return removed;
  }

  private jobDeleted(job: IJob): void {
    const tracking = this.tracking.get(job.metadata?.uid ?? '');
    if (tracking === undefined) return;
    clearTimeout(tracking.deadlineTimer);
    clearTimeout(tracking.ttlTimer);
    this.tracking.delete(job.metadata?.uid ?? '');
  }

  /** Graceful pod deletion, as the API's pod DELETE does it (see the HTTP routes). */
  deletePod(pod: IPod, gracePeriodSeconds?: number): void {
    const meta = metaOf(pod);
    const live = this.store.get<IPod>(POD, meta.namespace, meta.name);
    if (live === undefined || live.metadata?.deletionTimestamp !== undefined) return;
    const grace = gracePeriodSeconds ?? live.spec?.terminationGracePeriodSeconds ?? 30;
    const phase = live.status?.phase;
    if (grace === 0 || live.spec?.nodeName === undefined || phase === 'Succeeded' || phase === 'Failed') {
      this.store.remove(POD, meta.namespace, meta.name);
      return;
    }
    this.store.mutate<IPod>(POD, meta.namespace, meta.name, (object) => {
      const objectMeta = metaOf(object);
      objectMeta.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      objectMeta.deletionGracePeriodSeconds = grace;
    });
  }

  private requestSync(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      // Pods grouped by their controlling Job once per sync, not listed again for each Job: with
      // hundreds of finished Jobs kept (their TTL), syncing stays linear.
      const podsByJob = new Map<string, IPod[]>();
      for (const pod of this.store.list<IPod>(POD)) {
        const owner = (pod.metadata?.ownerReferences ?? []).find((reference) => reference.controller === true);
        if (owner === undefined) continue;
        const pods = podsByJob.get(owner.uid) ?? [];
        pods.push(pod);
        podsByJob.set(owner.uid, pods);
      }
      for (const job of this.store.list<IJob>(JOB)) this.syncJob(job, podsByJob.get(job.metadata?.uid ?? '') ?? []);
    });
  }

  private podsOf(job: IJob): IPod[] {
    return this.store.list<IPod>(POD, job.metadata?.namespace).filter((pod) => ownedBy(pod, job));
  }

  private trackingOf(job: IJob): JobTracking {
    const uid = job.metadata?.uid ?? '';
    let tracking = this.tracking.get(uid);
    if (tracking === undefined) {
      tracking = { counted: new Set() };
      this.tracking.set(uid, tracking);
    }
    return tracking;
  }

  private syncJob(job: IJob, pods: IPod[]): void {
    const meta = metaOf(job);
    if (meta.deletionTimestamp !== undefined) {
      this.finishForegroundDeletion(job, pods);
      return;
    }
    const tracking = this.trackingOf(job);
    const status = clone(job.status ?? {});
    status.startTime ??= timestamp();
    let succeeded = status.succeeded ?? 0;
    let failed = status.failed ?? 0;
    for (const pod of pods) {
      const uid = pod.metadata?.uid ?? '';
      if (tracking.counted.has(uid)) continue;
      const phase = pod.status?.phase;
      // A pod that is being deleted before it succeeded counts as failed (podReplacementPolicy
      // TerminatingOrFailed, the default).
      if (phase === 'Succeeded') succeeded += 1;
      else if (phase === 'Failed' || pod.metadata?.deletionTimestamp !== undefined) failed += 1;
      else continue;
      tracking.counted.add(uid);
    }
    const active = pods.filter(
      (pod) =>
        pod.metadata?.deletionTimestamp === undefined &&
        pod.status?.phase !== 'Succeeded' &&
        pod.status?.phase !== 'Failed',
    );
    const terminating = pods.filter(
      (pod) =>
        pod.metadata?.deletionTimestamp !== undefined &&
        pod.status?.phase !== 'Succeeded' &&
        pod.status?.phase !== 'Failed',
    );
    const conditions = status.conditions ?? [];
    const has = (type: string) =>
      conditions.some((condition) => condition.type === type && condition.status === 'True');
    const spec = job.spec;
    const completions = spec?.completions ?? 1;
    const backoffLimit = spec?.backoffLimit ?? 6;
    const deadline = spec?.activeDeadlineSeconds;
    const elapsedMs = Date.now() - Date.parse(status.startTime);

    if (!has('SuccessCriteriaMet') && !has('FailureTarget') && !isFinished(job)) {
      if (succeeded >= completions) {
        conditions.push(
          jobCondition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'),
        );
      } else if (failed > backoffLimit) {
        conditions.push(
          jobCondition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
        );
      } else if (deadline !== undefined && elapsedMs >= deadline * 1000) {
        conditions.push(
          jobCondition('FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline'),
        );
      } else if (active.length === 0 && terminating.length === 0 && spec?.suspend !== true) {
        this.createPod(job);
        return;
      }
    }
    const target = conditions.find((condition) => condition.type === 'FailureTarget');
    if ((target !== undefined || has('SuccessCriteriaMet')) && active.length > 0) {
      for (const pod of active) this.deletePod(pod);
    }
    if (!isFinished(job) && active.length === 0 && terminating.length === 0) {
      if (has('SuccessCriteriaMet')) {
        conditions.push(jobCondition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'));
        status.completionTime = timestamp();
      } else if (target !== undefined) {
        conditions.push(jobCondition('Failed', target.reason ?? 'BackoffLimitExceeded', target.message ?? ''));
      }
    }
    const ready = active.filter((pod) =>
      (pod.status?.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True'),
    ).length;
    const finished = conditions.some(
      (condition) => (condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True',
    );
    const next = {
      ...status,
      ...(active.length > 0 ? { active: active.length } : {}),
      ready,
      terminating: terminating.length,
      ...(succeeded > 0 ? { succeeded } : {}),
      ...(failed > 0 ? { failed } : {}),
      uncountedTerminatedPods: {},
      ...(conditions.length > 0 ? { conditions } : {}),
    };
    if (active.length === 0) delete next.active;
    this.store.mutate<IJob>(JOB, meta.namespace, meta.name, (live) => {
      live.status = next;
    });
    if (deadline !== undefined && !finished && tracking.deadlineTimer === undefined) {
      tracking.deadlineTimer = setTimeout(() => this.requestSync(), Math.max(0, deadline * 1000 - elapsedMs) + 5);
    }
    const ttl = spec?.ttlSecondsAfterFinished;
    if (finished && ttl !== undefined && tracking.ttlTimer === undefined) {
      tracking.ttlTimer = setTimeout(
        () => this.deleteJob(meta.namespace ?? 'default', meta.name, 'Background'),
        ttl * 1000,
      );
    }
  }

  private finishForegroundDeletion(job: IJob, pods: IPod[]): void {
    const meta = metaOf(job);
    for (const pod of pods) this.deletePod(pod);
    if (pods.length === 0) this.store.remove(JOB, meta.namespace, meta.name);
  }

  private createPod(job: IJob): void {
    const meta = metaOf(job);
    const template = clone(job.spec?.template ?? {});
    const labels = {
      ...template.metadata?.labels,
      'batch.kubernetes.io/controller-uid': meta.uid ?? '',
      'batch.kubernetes.io/job-name': meta.name,
      'controller-uid': meta.uid ?? '',
      'job-name': meta.name,
    };
    const pod: IPod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...template.metadata,
        name: `${meta.name}-${randomSuffix()}`,
        generateName: `${meta.name}-`,
        namespace: meta.namespace ?? 'default',
        labels,
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: meta.name,
            uid: meta.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: template.spec ?? { containers: [] },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    };
    this.store.create(POD, pod);
  }
}
