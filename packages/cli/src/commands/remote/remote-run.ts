import { setTimeout as sleep } from 'node:timers/promises';
import { type Diagnostic, parseDocument } from '@loom/graph';
import type { StepStatus } from '@loom/runtime';
import type { CompileReply, RunSummary, StepLog, StoredRun } from '@loom/server/api-types';
import pc from 'picocolors';
import { publicDiagnostic, writeProblems } from '../../diagnostics-output.ts';
import { parseParameterFlags } from '../../parameter-flags.ts';
import { readDocumentText } from '../../read-document.ts';
import { createRunProgress, type RunProgress } from '../../run-progress.ts';
import { writeRunSummary } from '../../run-summary.ts';
import { UserError } from '../../user-error.ts';
import { runEvents } from './event-stream-reader.ts';
import { ApiError, explainingApiErrors, LoomApi } from './loom-api.ts';
import { type UploadedPipeline, uploadDocument } from './pipeline-upload.ts';

export interface RemoteRunOptions {
  server?: string;
  param: string[];
  /** False with `--no-cache`. */
  cache: boolean;
  wait?: boolean;
  json?: boolean;
}

/** Log lines of a failed step printed after the summary: enough to see why, short enough for a CI log. */
const FAILED_STEP_LOG_LINES = 10;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * `loom remote run FILE`: checks the document here, then on the server (its node types), files it as a
 * version of its pipeline there, starts a run and prints the run's page in the designer; with `--wait`,
 * follows the run's events until it ends. Returns the exit code: 0 when the run was started (or, with
 * `--wait`, succeeded); 1 when the document does not compile or the run failed or was cancelled; usage
 * and connection problems are thrown as exit-2 {@link UserError}s.
 */
export async function remoteRunCommand(
  file: string,
  options: RemoteRunOptions,
  env: Env = process.env,
): Promise<number> {
  const api = LoomApi.fromEnv(options.server, env);
  return explainingApiErrors(api, () => runRemotely(api, file, options));
}

async function runRemotely(api: LoomApi, file: string, options: RemoteRunOptions): Promise<number> {
  // Everything that can be checked without the server is, so a broken file costs no request.
  const loaded = parseDocument(await readDocumentText(file));
  if (!loaded.ok) return reportInvalid(`${file} cannot run`, loaded.diagnostics, options);
  const document = loaded.document;
  const parameters = parseParameterFlags(document, options.param);

  // Compiled against the server's node types, which may differ from this machine's, before anything
  // is saved there: a document that cannot run leaves no version behind.
  const compiled = await api.post<CompileReply>('/api/compile', { document, parameters });
  if (!compiled.ok) {
    return reportInvalid(`${file} cannot run on ${api.base}`, compiled.diagnostics as Diagnostic[], options);
  }

  const pipeline = await uploadDocument(api, document);
  let started: RunSummary;
  try {
    started = await api.post<RunSummary>(`/api/pipelines/${encodeURIComponent(pipeline.id)}/runs`, {
      parameters,
      noCache: !options.cache,
      // This very version: a designer saving the pipeline meanwhile does not change what runs.
      version: pipeline.version,
    });
  } catch (cause) {
    if (cause instanceof ApiError && cause.status === 400 && Array.isArray(cause.body.diagnostics)) {
      return reportInvalid(`${file} cannot run on ${api.base}`, cause.body.diagnostics as Diagnostic[], options);
    }
    throw cause;
  }
  const page = api.runPage(pipeline.id, started.id);
  if (!options.json) writeStarted(document.name, pipeline, started, page);
  if (!options.wait) {
    if (options.json) writeJson({ ...runHeader(pipeline, started, page), status: started.status });
    return 0;
  }

  const run = await followRun(api, started.id, compiled.plan.steps, page, options);
  const failed = run.steps.filter((step) => step.status === 'failed');
  const logs = new Map<string, StepLog[]>();
  for (const step of failed) logs.set(step.id, await lastLogLines(api, run.id, step.id));
  if (options.json) {
    writeJson({
      ...runHeader(pipeline, run, page),
      status: run.status,
      durationMs: run.durationMs,
      steps: run.steps.map((step) => ({
        id: step.id,
        type: step.type,
        version: step.version,
        status: step.status,
        attempts: step.attempts,
        durationMs: step.durationMs,
        metrics: step.metrics,
        ...(step.failure === undefined ? {} : { error: step.failure }),
        ...(logs.has(step.id) ? { lastLogs: logs.get(step.id) } : {}),
      })),
    });
  } else {
    writeRunSummary({
      runId: run.id,
      status: run.status,
      durationMs: run.durationMs,
      // The API's schema lists exactly the runtime's step statuses.
      steps: run.steps.map((step) => ({ ...step, status: step.status as StepStatus })),
    });
    for (const [stepId, lines] of logs) writeLogLines(stepId, lines);
    if (run.status !== 'succeeded') process.stdout.write(`${pc.dim('see it in the designer:')} ${page}\n`);
  }
  return run.status === 'succeeded' ? 0 : 1;
}

/**
 * Shows the run's events as `loom run` shows its own, until the run has ended, and returns the run as
 * stored then. Ctrl-C stops watching (exit 130); the run goes on on the server.
 */
async function followRun(
  api: LoomApi,
  runId: string,
  steps: ReadonlyArray<{ id: string }>,
  page: string,
  options: RemoteRunOptions,
): Promise<StoredRun> {
  const progress: RunProgress | undefined = options.json ? undefined : createRunProgress(steps, process.stderr);
  const onSignal = (signal: NodeJS.Signals) => {
    progress?.stop();
    process.stderr.write(pc.yellow(`\nstopped watching; run ${runId} goes on: ${page}\n`));
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for await (const event of runEvents(api, runId, {
      onReconnect: (reason) => {
        if (!options.json) process.stderr.write(pc.yellow(`event stream dropped (${reason}); reconnecting…\n`));
      },
    })) {
      progress?.onEvent(event);
      if (event.kind === 'run.finished') {
        const run = await finishedRun(api, runId);
        // Not over after all: the run was resumed after it finished once, and its stream goes on.
        if (run !== undefined) return run;
      }
    }
    // The event stream never ends by itself; `runEvents` throws when it stays down.
    throw new UserError(`the event stream of run ${runId} ended before the run did`, 2);
  } finally {
    progress?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** How long the stored run may lag behind its streamed `run.finished` (the server writes events in batches). */
const FINISH_SETTLE_MS = 3_000;

/** The run as stored once it shows as ended, or undefined when it still does not after {@link FINISH_SETTLE_MS}. */
async function finishedRun(api: LoomApi, runId: string): Promise<StoredRun | undefined> {
  const deadline = Date.now() + FINISH_SETTLE_MS;
  for (;;) {
    const run = await getRun(api, runId);
    if (run.status === 'succeeded' || run.status === 'failed' || run.status === 'cancelled') return run;
    if (Date.now() > deadline) return undefined;
    await sleep(50);
  }
}

function getRun(api: LoomApi, runId: string): Promise<StoredRun> {
  return api.get<StoredRun>(`/api/runs/${encodeURIComponent(runId)}`);
}

async function lastLogLines(api: LoomApi, runId: string, stepId: string): Promise<StepLog[]> {
  const { logs } = await api.get<{ logs: StepLog[] }>(
    `/api/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/logs`,
  );
  return logs.filter((line) => line.level !== 'debug').slice(-FAILED_STEP_LOG_LINES);
}

function writeLogLines(stepId: string, lines: readonly StepLog[]): void {
  if (lines.length === 0) return;
  process.stdout.write(`${pc.dim(`last log lines of ${stepId}:`)}\n`);
  for (const line of lines) {
    const level =
      line.level === 'error' ? pc.red(line.level) : line.level === 'warn' ? pc.yellow(line.level) : line.level;
    process.stdout.write(`  ${level} ${line.message}\n`);
  }
}

function writeStarted(name: string, pipeline: UploadedPipeline, run: RunSummary, page: string): void {
  const filed =
    pipeline.outcome === 'new-pipeline'
      ? 'saved as a new pipeline'
      : pipeline.outcome === 'new-version'
        ? 'saved as a new version'
        : 'unchanged since that version';
  process.stdout.write(
    `${pc.blue('▶')} run ${run.id} of ${pc.bold(name)} v${pipeline.version} (${filed})\n  ${page}\n`,
  );
}

function runHeader(pipeline: UploadedPipeline, run: { id: string }, page: string) {
  return {
    runId: run.id,
    pipelineId: pipeline.id,
    pipelineVersion: pipeline.version,
    upload: pipeline.outcome,
    url: page,
  };
}

function reportInvalid(headline: string, diagnostics: Diagnostic[], options: RemoteRunOptions): number {
  if (options.json) writeJson({ status: 'invalid', diagnostics: diagnostics.map(publicDiagnostic) });
  else writeProblems(headline, diagnostics);
  return 1;
}

function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
