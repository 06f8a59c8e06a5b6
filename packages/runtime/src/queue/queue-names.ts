import type { PlanStep } from '@loom/compiler';
import type { OutputRecord } from '../output-record.ts';

/** Where a step runs; one BullMQ queue each, chosen by `PlanStep.backend`. */
export type Backend = PlanStep['backend'];

export const BACKENDS: readonly Backend[] = ['cpu', 'gpu', 'kubernetes'];

/** The BullMQ key prefix when none is given; every Loom key and channel lives under it. */
export const DEFAULT_PREFIX = 'loom';

/** The queue a backend's steps wait in: `loom-cpu`, `loom-gpu`, `loom-kubernetes`. */
export function queueName(backend: Backend): string {
  return `loom-${backend}`;
}

/**
 * What a queue job carries: identifiers only (plan hash, step id, input records). The worker reads the
 * step's description from the plan in the artifact store and its inputs from their blobs.
 */
export interface StepJobData {
  runId: string;
  stepId: string;
  attempt: number;
  planSha256: string;
  contentKey: string;
  /** For each connected input port, the records (hash, type, storage, size) of its sources in edge order. */
  inputs: Record<string, OutputRecord[]>;
}

const STEP_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const RUN_ID = /^[A-Za-z0-9_-]+$/;

/**
 * `${runId}.${stepId}.${attempt}`: BullMQ refuses ':' in custom ids. Run ids hold no '.' and the
 * attempt comes last, so the first and the last '.' split it unambiguously even when step ids hold dots.
 * Throws when an identifier cannot be encoded.
 *
 * @example
 * stepJobId('20250101T000000Z-a1b2c3', 'train.model', 2) // '20250101T000000Z-a1b2c3.train.model.2'
 */
export function stepJobId(runId: string, stepId: string, attempt: number): string {
  if (!RUN_ID.test(runId)) throw new Error(`run id "${runId}" cannot name a queue job: use letters, digits, _ and -`);
  if (!STEP_ID.test(stepId)) throw new Error(`step id "${stepId}" cannot name a queue job`);
  if (!Number.isSafeInteger(attempt) || attempt < 1) throw new Error(`attempt ${attempt} is not a positive integer`);
  return `${runId}.${stepId}.${attempt}`;
}

/** The inverse of {@link stepJobId}; undefined for ids it did not make. */
export function parseStepJobId(jobId: string): { runId: string; stepId: string; attempt: number } | undefined {
  const first = jobId.indexOf('.');
  const last = jobId.lastIndexOf('.');
  if (first <= 0 || last <= first + 1) return undefined;
  const runId = jobId.slice(0, first);
  const stepId = jobId.slice(first + 1, last);
  const attempt = Number(jobId.slice(last + 1));
  if (!RUN_ID.test(runId) || !STEP_ID.test(stepId) || !Number.isSafeInteger(attempt) || attempt < 1) return undefined;
  return { runId, stepId, attempt };
}

/** The one stream every worker reports into. */
export function reportsStream(prefix: string): string {
  return `${prefix}:reports`;
}

/** The pub/sub channel that tells workers to abort a running job (the message is the job id). */
export function cancelChannel(prefix: string): string {
  return `${prefix}:cancel`;
}

/** Set when a job is cancelled, so that a worker that picks it up later skips it. */
export function cancelledKey(prefix: string, jobId: string): string {
  return `${prefix}:cancelled:${jobId}`;
}

/** How long a cancelled marker outlives its cancellation. */
export const CANCELLED_TTL_SECONDS = 24 * 60 * 60;
