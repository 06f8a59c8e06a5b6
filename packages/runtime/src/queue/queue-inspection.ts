import { Job, type Queue } from 'bullmq';
import { errorOutcome, isAttemptOutcome } from '../attempt-outcomes.ts';
import type { AttemptOutcome } from '../execute-attempt.ts';
import { BACKENDS, type Backend, type StepJobData } from './queue-names.ts';

export type StepQueue = Queue<StepJobData, AttemptOutcome>;

/** What Redis says about a job, reduced to what the transport acts on. */
export type JobVerdict =
  /** It finished: its return value, or why the queue gave up on it. */
  | { kind: 'finished'; outcome: AttemptOutcome }
  | { kind: 'active' }
  | { kind: 'queued' }
  /** Not in Redis (removed, or lost with Redis's data). */
  | { kind: 'missing' };

export async function inspectJob(queue: StepQueue, jobId: string): Promise<JobVerdict> {
  const state = await queue.getJobState(jobId);
  switch (state) {
    case 'completed':
    case 'failed': {
      const job = await Job.fromId<StepJobData, AttemptOutcome>(queue, jobId);
      if (job === undefined) return { kind: 'missing' };
      if (state === 'failed') {
        // BullMQ fails a job itself when it stalled more than maxStalledCount times.
        const reason = job.failedReason || 'no reason given';
        return { kind: 'finished', outcome: errorOutcome(`the queue gave up on the step: ${reason}`, true) };
      }
      const value: unknown = job.returnvalue;
      const outcome = isAttemptOutcome(value) ? value : errorOutcome('the job finished without an outcome', true);
      return { kind: 'finished', outcome };
    }
    case 'active':
      return { kind: 'active' };
    case 'unknown':
      return { kind: 'missing' };
    default:
      return { kind: 'queued' };
  }
}

export type QueueDepths = Record<Backend, { waiting: number; active: number; delayed: number }>;

/** Jobs per backend queue (`waiting` includes prioritized ones). */
export async function readQueueDepths(queues: Record<Backend, StepQueue>): Promise<QueueDepths> {
  const depths = await Promise.all(
    BACKENDS.map(async (backend) => {
      const count = await queues[backend].getJobCounts('waiting', 'prioritized', 'active', 'delayed');
      const depth = {
        waiting: (count.waiting ?? 0) + (count.prioritized ?? 0),
        active: count.active ?? 0,
        delayed: count.delayed ?? 0,
      };
      return [backend, depth] as const;
    }),
  );
  return Object.fromEntries(depths) as QueueDepths;
}

/**
 * Whether any worker serves a backend: it has active jobs, or worker connections (CLIENT LIST, which
 * some managed Redis refuse: then only active jobs tell). Answers are reused for a second, because a
 * fan-out's watchdogs fire together.
 */
export class WorkerPresence {
  readonly #queues: Record<Backend, StepQueue>;
  readonly #seen = new Map<Backend, { at: number; answer: Promise<boolean> }>();

  constructor(queues: Record<Backend, StepQueue>) {
    this.#queues = queues;
  }

  has(backend: Backend): Promise<boolean> {
    const cached = this.#seen.get(backend);
    if (cached !== undefined && Date.now() - cached.at < 1000) return cached.answer;
    const queue = this.#queues[backend];
    const answer = (async () => {
      if ((await queue.getActiveCount()) > 0) return true;
      return (await queue.getWorkersCount().catch(() => 0)) > 0;
    })();
    answer.catch(() => this.#seen.delete(backend));
    this.#seen.set(backend, { at: Date.now(), answer });
    return answer;
  }
}
