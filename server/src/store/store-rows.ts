import type { RunEvent, RunEventBody, StepStatus } from '@loom/runtime';
import type { LogLevel } from '@loom/sdk';
import type {
  PipelineVersion,
  PipelineVersionSummary,
  RunOptions,
  RunSource,
  RunSummary,
  StepLogEntry,
  StoredRun,
  StoredRunStatus,
  StoredStep,
} from './store-types.ts';

/*
 * Rows as better-sqlite3 returns them (snake_case, NULL as null) and their mapping to the stored types.
 * Optional fields are left out rather than set to undefined (exactOptionalPropertyTypes).
 */

export interface PipelineVersionRow {
  pipeline_id: string;
  version: number;
  name: string;
  document: string;
  created_at: string;
}

export interface PipelineRow {
  id: string;
  name: string;
  latest_version: number;
  created_at: string;
  updated_at: string;
}

export interface RunRow {
  id: string;
  pipeline_id: string;
  pipeline_version: number;
  pipeline_name: string;
  options: string;
  status: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  last_seq: number;
  resume_count: number;
  source: string;
  trigger: string | null;
}

export interface StepRow {
  step_id: string;
  type: string;
  version: string;
  title: string;
  status: string;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  progress: string | null;
  metrics: string;
  outputs: string;
  content_key: string | null;
  cached_from_run: string | null;
  failure: string | null;
  skipped_because: string | null;
}

export interface EventRow {
  run_id: string;
  seq: number;
  body: string;
  at: string;
}

export interface LogRow {
  seq: number;
  attempt: number;
  level: string;
  message: string;
  fields: string | null;
  at: string;
}

/** The columns of `runs` that {@link RunRow} maps: every one but the large JSON documents. */
export const RUN_COLUMNS =
  'id, pipeline_id, pipeline_version, pipeline_name, options, status, created_at, started_at, finished_at, ' +
  'duration_ms, last_seq, resume_count, source, trigger';

export const STEP_COLUMNS =
  'step_id, type, version, title, status, attempts, started_at, finished_at, duration_ms, progress, metrics, ' +
  'outputs, content_key, cached_from_run, failure, skipped_because';

export function toPipelineVersion(row: PipelineVersionRow): PipelineVersion {
  return {
    pipelineId: row.pipeline_id,
    version: row.version,
    document: JSON.parse(row.document),
    createdAt: row.created_at,
  };
}

export function toPipelineVersionSummary(row: Omit<PipelineVersionRow, 'document'>): PipelineVersionSummary {
  return { version: row.version, name: row.name, createdAt: row.created_at };
}

export function toStep(row: StepRow): StoredStep {
  const step: StoredStep = {
    id: row.step_id,
    type: row.type,
    version: row.version,
    title: row.title,
    status: row.status as StepStatus,
    attempts: row.attempts,
    metrics: JSON.parse(row.metrics),
    outputs: JSON.parse(row.outputs),
  };
  if (row.started_at !== null) step.startedAt = row.started_at;
  if (row.finished_at !== null) step.finishedAt = row.finished_at;
  if (row.duration_ms !== null) step.durationMs = row.duration_ms;
  if (row.progress !== null) step.progress = JSON.parse(row.progress);
  if (row.content_key !== null) step.contentKey = row.content_key;
  if (row.cached_from_run !== null) step.cachedFromRun = row.cached_from_run;
  if (row.failure !== null) step.failure = JSON.parse(row.failure);
  if (row.skipped_because !== null) step.skippedBecause = row.skipped_because;
  return step;
}

type RunHead = Omit<StoredRun, 'steps' | 'options'>;

function toRunHead(row: RunRow): RunHead {
  const run: RunHead = {
    id: row.id,
    pipelineId: row.pipeline_id,
    pipelineVersion: row.pipeline_version,
    pipelineName: row.pipeline_name,
    status: row.status as StoredRunStatus,
    createdAt: row.created_at,
    lastSeq: row.last_seq,
    resumeCount: row.resume_count,
    source: row.source as RunSource,
  };
  if (row.started_at !== null) run.startedAt = row.started_at;
  if (row.finished_at !== null) run.finishedAt = row.finished_at;
  if (row.duration_ms !== null) run.durationMs = row.duration_ms;
  if (row.trigger !== null) run.trigger = JSON.parse(row.trigger);
  return run;
}

export function toRun(row: RunRow, steps: readonly StepRow[]): StoredRun {
  return { ...toRunHead(row), options: JSON.parse(row.options) as RunOptions, steps: steps.map(toStep) };
}

export function toRunSummary(row: RunRow, stepCounts: RunSummary['stepCounts']): RunSummary {
  return { ...toRunHead(row), stepCounts };
}

/** Rebuilds the event as emitted: the body is stored without the envelope, which has columns of its own. */
export function toEvent(row: EventRow): RunEvent {
  const body = JSON.parse(row.body) as RunEventBody;
  return { ...body, runId: row.run_id, seq: row.seq, at: row.at };
}

export function toLogEntry(row: LogRow): StepLogEntry {
  const entry: StepLogEntry = {
    seq: row.seq,
    attempt: row.attempt,
    level: row.level as LogLevel,
    message: row.message,
    at: row.at,
  };
  if (row.fields !== null) entry.fields = JSON.parse(row.fields);
  return entry;
}
