import type { V1Pod } from '@kubernetes/client-node';
import { STEP_CONTAINER } from './step-job.ts';

/** What a step's pod is doing, as far as its step is concerned. */
export type PodVerdict =
  /** Not running yet. `fatal`: it never will (the image cannot be pulled), so the step fails now. */
  | { state: 'pending'; reason: string; message: string; fatal: boolean }
  | { state: 'running'; startedAt?: string }
  /** The step container ended; `terminationMessage` is what it wrote at its termination message path. */
  | { state: 'terminated'; exitCode: number; reason: string; terminationMessage?: string }
  /** The pod went away under the step: its node was lost or drained, or it was evicted or deleted. */
  | { state: 'lost'; message: string };

/**
 * Waiting reasons after which the container will not start without someone changing the image or the
 * pod: the step fails at once, naming it, instead of waiting out the pending limit. `ErrImagePull` is
 * not one: the kubelet tries again (and says `ImagePullBackOff` when it gives up for a while).
 */
const FATAL_WAITING = new Set([
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

/** Pod-level reasons of a failed pod that say it was taken away, not that the step failed. */
const LOST_REASONS = new Set(['NodeLost', 'Evicted', 'Shutdown', 'Terminated', 'NodeAffinity', 'Preempting']);

export function podVerdict(pod: V1Pod): PodVerdict {
  const status = pod.status ?? {};
  const container = status.containerStatuses?.find((c) => c.name === STEP_CONTAINER);
  const terminated = container?.state?.terminated;
  if (terminated !== undefined) {
    const verdict: PodVerdict = {
      state: 'terminated',
      exitCode: terminated.exitCode,
      reason: terminated.reason ?? (terminated.exitCode === 0 ? 'Completed' : 'Error'),
    };
    if (terminated.message !== undefined) verdict.terminationMessage = terminated.message;
    // Killed because its node went away (the taint manager, a drain) rather than by its own doing.
    const disruption = status.conditions?.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');
    if (disruption !== undefined && terminated.exitCode !== 0 && verdict.terminationMessage === undefined) {
      return { state: 'lost', message: describeCondition(disruption.reason, disruption.message) };
    }
    return verdict;
  }
  if (status.phase === 'Failed' || status.phase === 'Succeeded' || pod.metadata?.deletionTimestamp !== undefined) {
    const disruption = status.conditions?.find((c) => c.type === 'DisruptionTarget' && c.status === 'True');
    if (disruption !== undefined)
      return { state: 'lost', message: describeCondition(disruption.reason, disruption.message) };
    if (status.reason !== undefined && LOST_REASONS.has(status.reason)) {
      return { state: 'lost', message: describeCondition(status.reason, status.message) };
    }
    if (pod.metadata?.deletionTimestamp !== undefined && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
      return status.phase === 'Running'
        ? { state: 'running' }
        : { state: 'pending', reason: 'Terminating', message: 'the pod is being deleted', fatal: false };
    }
    return {
      state: 'terminated',
      exitCode: status.phase === 'Succeeded' ? 0 : -1,
      reason: status.reason ?? status.phase ?? 'Unknown',
    };
  }
  if (status.phase === 'Running' && container?.state?.running !== undefined) {
    const startedAt = container.state.running.startedAt;
    return startedAt === undefined
      ? { state: 'running' }
      : { state: 'running', startedAt: new Date(startedAt).toISOString() };
  }
  const waiting = container?.state?.waiting;
  if (waiting?.reason !== undefined) {
    return {
      state: 'pending',
      reason: waiting.reason,
      message: waiting.message ?? waiting.reason,
      fatal: FATAL_WAITING.has(waiting.reason),
    };
  }
  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    return {
      state: 'pending',
      reason: scheduled.reason ?? 'Unschedulable',
      message: scheduled.message ?? 'the scheduler found no node for it',
      fatal: false,
    };
  }
  if (status.phase === 'Running') return { state: 'running' };
  return { state: 'pending', reason: 'Pending', message: 'waiting for the pod to be scheduled', fatal: false };
}

function describeCondition(reason: string | undefined, message: string | undefined): string {
  if (reason === undefined) return message ?? 'the pod was deleted';
  return message === undefined || message === '' ? reason : `${reason}: ${message}`;
}
