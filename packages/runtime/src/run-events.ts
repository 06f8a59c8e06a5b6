import type { LogLevel } from '@loom/sdk';
import type { OutputRecord } from './output-record.ts';

export type StepStatus = 'pending' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cached' | 'cancelled' | 'skipped';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/**
 * Why an attempt failed. `error`: the node threw; `timeout`: it ran past its limit; `invalid-output`:
 * it returned something other than its declared outputs; `input`: its inputs could not be loaded;
 * `cancelled`: the run was cancelled while it ran.
 */
export type FailureReason = 'error' | 'timeout' | 'invalid-output' | 'input' | 'cancelled';

export interface StepFailure {
  reason: FailureReason;
  message: string;
  /** The stack, for node errors; kept in logs and events, never printed as the headline. */
  detail?: string;
}

/** Everything that happens during a run, discriminated by `kind`. */
export type RunEventBody =
  | { kind: 'run.started'; pipeline: string; stepCount: number }
  /**
   * The run goes on after it stopped: `resume` when a user asked (the steps in `reset` run again),
   * `restart` when the process driving it restarted (`reset` lists nothing: in-flight attempts are
   * picked up again as they were).
   */
  | { kind: 'run.resumed'; reason: 'resume' | 'restart'; reset: string[] }
  | { kind: 'step.queued'; stepId: string; attempt: number }
  | { kind: 'step.started'; stepId: string; attempt: number }
  | { kind: 'step.progress'; stepId: string; attempt: number; fraction: number; message?: string }
  | {
      kind: 'step.log';
      stepId: string;
      attempt: number;
      level: LogLevel;
      message: string;
      fields?: Record<string, unknown>;
    }
  | { kind: 'step.metric'; stepId: string; attempt: number; name: string; value: number; step?: number }
  | { kind: 'step.retrying'; stepId: string; attempt: number; failure: StepFailure; delayMs: number }
  | {
      kind: 'step.succeeded';
      stepId: string;
      attempt: number;
      durationMs: number;
      contentKey: string;
      outputs: Record<string, OutputRecord>;
      metrics: Record<string, number>;
    }
  | {
      kind: 'step.cached';
      stepId: string;
      contentKey: string;
      outputs: Record<string, OutputRecord>;
      metrics: Record<string, number>;
      fromRunId: string;
    }
  | { kind: 'step.failed'; stepId: string; attempt: number; durationMs: number; failure: StepFailure }
  | { kind: 'step.skipped'; stepId: string; because: string }
  | { kind: 'step.cancelled'; stepId: string }
  | { kind: 'run.finished'; status: Exclude<RunStatus, 'running'>; durationMs: number };

/** A run event as emitted: numbered in order within its run and stamped with the time. */
export type RunEvent = RunEventBody & { runId: string; seq: number; at: string };

export type RunEventKind = RunEventBody['kind'];
