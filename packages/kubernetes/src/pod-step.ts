import { writeFile } from 'node:fs/promises';
import type { Plan } from '@loom/compiler';
import { type AttemptEnvironment, type AttemptOutcome, executeAttempt, type StepJobData } from '@loom/runtime';
import { encodeReport, type PodReport, TERMINATION_MESSAGE_LIMIT, type TerminationMessage } from './pod-protocol.ts';

export interface PodStepOptions {
  job: StepJobData;
  /** Where the outcome goes: the container's termination message path. */
  outcomePath: string;
  environment: AttemptEnvironment;
  /** Aborted on SIGTERM (the Job deleted, its deadline passed): the step is asked to stop. */
  signal: AbortSignal;
  /** Where report lines go. @default process.stdout */
  write?: (line: string) => void;
}

/**
 * What `loom step` does inside a step's pod: reads the step from the run's stored plan, runs the
 * attempt in this process (the pod is its sandbox: its memory limit, its deadline), prints progress,
 * logs and metrics as report lines, and leaves the outcome as the container's termination message.
 * Returns the exit code: 0 when the step succeeded.
 */
export async function runStepInPod(options: PodStepOptions): Promise<number> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const say = (report: PodReport) => write(encodeReport(report));
  const outcome = await attempt(options, say);
  const { store } = options.environment;
  let message = JSON.stringify({ outcome } satisfies TerminationMessage);
  if (Buffer.byteLength(message) > TERMINATION_MESSAGE_LIMIT) {
    // Kubernetes keeps 4 KiB of it: a larger outcome (many outputs) goes to the shared store.
    const stored = await store.put(JSON.stringify(outcome));
    message = JSON.stringify({ outcomeBlob: stored.sha256 } satisfies TerminationMessage);
  }
  await writeFile(options.outcomePath, message);
  return outcome.ok ? 0 : 1;
}

async function attempt(options: PodStepOptions, say: (report: PodReport) => void): Promise<AttemptOutcome> {
  const { job, environment } = options;
  let plan: Plan;
  try {
    plan = JSON.parse(Buffer.from(await environment.store.read(job.planSha256)).toString('utf8')) as Plan;
  } catch (cause) {
    return {
      ok: false,
      durationMs: 0,
      failure: {
        reason: 'error',
        message: `could not read the run's plan ${job.planSha256} from the artifact store (is it the one the server uses?): ${cause instanceof Error ? cause.message : String(cause)}`,
      },
      retryable: true,
    };
  }
  const step = plan.steps.find((candidate) => candidate.id === job.stepId);
  if (step === undefined) {
    return {
      ok: false,
      durationMs: 0,
      failure: { reason: 'error', message: `step "${job.stepId}" is not in the run's plan ${job.planSha256}` },
      retryable: false,
    };
  }
  return executeAttempt(
    {
      runId: job.runId,
      step,
      attempt: job.attempt,
      inputs: job.inputs,
      contentKey: job.contentKey,
      planSha256: job.planSha256,
      signal: options.signal,
    },
    {
      started: () => undefined,
      progress: (fraction, message) =>
        say(message === undefined ? { kind: 'progress', fraction } : { kind: 'progress', fraction, message }),
      log: (level, message, fields) =>
        say(fields === undefined ? { kind: 'log', level, message } : { kind: 'log', level, message, fields }),
      metric: (name, value, index) =>
        say(index === undefined ? { kind: 'metric', name, value } : { kind: 'metric', name, value, step: index }),
    },
    environment,
  );
}
