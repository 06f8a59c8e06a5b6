import type { AttemptOutcome, OutputRecord, StepJobData } from '@loom/runtime';
import type { LogLevel } from '@loom/sdk';

/**
 * How a step's pod talks to the worker that started it, with nothing but what Kubernetes already
 * carries: its log (progress, log lines and metrics, one JSON line each behind {@link REPORT_PREFIX})
 * and its termination message (the outcome). So the pod needs no route to Redis, and a worker that
 * restarts reads a finished pod's outcome from the Job it left behind.
 */

/** Starts each report line; anything else the pod prints is an `info` log line of its step. */
export const REPORT_PREFIX = '\u001eloom ';

/** Where a container's termination message goes unless its spec says otherwise. */
export const TERMINATION_MESSAGE_PATH = '/dev/termination-log';

/** Kubernetes keeps at most this many bytes of a termination message. */
export const TERMINATION_MESSAGE_LIMIT = 4096;

export type PodReport =
  | { kind: 'progress'; fraction: number; message?: string }
  | { kind: 'log'; level: LogLevel; message: string; fields?: Record<string, unknown> }
  | { kind: 'metric'; name: string; value: number; step?: number };

export function encodeReport(report: PodReport): string {
  try {
    return `${REPORT_PREFIX}${JSON.stringify(report)}`;
  } catch {
    // Log fields JSON cannot carry (a BigInt, a cycle): the line goes without them.
    const { fields: _dropped, ...rest } = report as Extract<PodReport, { kind: 'log' }>;
    return `${REPORT_PREFIX}${JSON.stringify({ ...rest, message: `${rest.message} (fields not serialisable)` })}`;
  }
}

/** A line of the pod's log as the worker reports it: a report, or plain output as an `info` line. */
export function decodeLogLine(line: string): PodReport {
  if (line.startsWith(REPORT_PREFIX)) {
    try {
      const parsed = JSON.parse(line.slice(REPORT_PREFIX.length)) as PodReport;
      if (parsed !== null && typeof parsed === 'object' && typeof parsed.kind === 'string') return parsed;
    } catch {
      // Not one of ours after all: shown as printed.
    }
  }
  return { kind: 'log', level: 'info', message: line };
}

/**
 * The termination message: the outcome itself, or (when it would not fit in Kubernetes' 4 KiB, a step
 * with many outputs) the sha256 of the outcome stored as a blob in the shared artifact store.
 */
export type TerminationMessage = { outcome: AttemptOutcome } | { outcomeBlob: string };

export function parseTerminationMessage(text: string | undefined): TerminationMessage | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const parsed = JSON.parse(text) as TerminationMessage;
    if ('outcome' in parsed && typeof parsed.outcome?.ok === 'boolean') return parsed;
    if ('outcomeBlob' in parsed && /^[0-9a-f]{64}$/.test(parsed.outcomeBlob)) return parsed;
  } catch {
    // The container printed something else there (FallbackToLogsOnError): no outcome.
  }
  return undefined;
}

/** The identifiers `loom step` takes, as the arguments that follow `step` on its command line. */
export function stepArguments(job: StepJobData, outcomePath: string): string[] {
  return [
    'step',
    '--run',
    job.runId,
    '--step',
    job.stepId,
    '--attempt',
    String(job.attempt),
    '--plan',
    job.planSha256,
    '--content-key',
    job.contentKey,
    '--inputs',
    JSON.stringify(job.inputs),
    '--outcome-file',
    outcomePath,
  ];
}

/** Reads back what {@link stepArguments} wrote (the CLI parses flags itself; this checks the inputs' shape). */
export function parseInputsArgument(text: string): Record<string, OutputRecord[]> {
  const parsed = JSON.parse(text) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('--inputs must be a JSON object of port name → output records');
  }
  for (const [port, records] of Object.entries(parsed)) {
    if (!Array.isArray(records)) throw new Error(`--inputs: port "${port}" must hold an array of output records`);
  }
  return parsed as Record<string, OutputRecord[]>;
}
