import type { OutputRecord } from './output-record.ts';
import type { StepFailure } from './run-events.ts';

/** How an attempt ended: its outputs and metrics, or why it failed and whether trying again can help. */
export type AttemptOutcome =
  | { ok: true; durationMs: number; outputs: Record<string, OutputRecord>; metrics: Record<string, number> }
  | { ok: false; durationMs: number; failure: StepFailure; retryable: boolean };

/** Outcomes made up by whoever runs an attempt (rather than returned by the step). */
export function errorOutcome(message: string, retryable: boolean, durationMs = 0): AttemptOutcome {
  return { ok: false, durationMs, failure: { reason: 'error', message }, retryable };
}

export function timeoutOutcome(message: string, retryable: boolean, durationMs = 0): AttemptOutcome {
  return { ok: false, durationMs, failure: { reason: 'timeout', message }, retryable };
}

export function cancelledOutcome(durationMs = 0): AttemptOutcome {
  return { ok: false, durationMs, failure: { reason: 'cancelled', message: 'cancelled' }, retryable: false };
}

/** Whether a value read back from Redis (a job's return value) is an outcome. */
export function isAttemptOutcome(value: unknown): value is AttemptOutcome {
  return value !== null && typeof value === 'object' && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** `300 ms`, `30 s`: how failure messages state durations. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

export function errorMessage(cause: unknown): string {
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}
