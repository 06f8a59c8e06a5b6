import type { Plan } from '@loom/compiler';
import type { PipelineDocument } from '@loom/graph';
import type { OutputRecord, RunStatus, StepFailure, StepStatus } from '@loom/runtime';
import type { LogLevel } from '@loom/sdk';

/** One saved version of a pipeline. Versions start at 1; each save adds one. */
export interface PipelineVersion {
  pipelineId: string;
  version: number;
  /** The document exactly as saved (already validated by the caller). */
  document: PipelineDocument;
  createdAt: string;
}

export interface PipelineSummary {
  id: string;
  /** The `name` of the latest version's document. */
  name: string;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface PipelineVersionSummary {
  version: number;
  name: string;
  createdAt: string;
}

/** What a run was asked to do; stored with it so a resume or a restart does the same. */
export interface RunOptions {
  parameters: Record<string, string | number | boolean>;
  noCache: boolean;
  fromStep?: string;
  onlyStep?: string;
}

/** What a run was started from: enough to plan and run it again after a resume or a restart. */
export interface RunDefinition {
  document: PipelineDocument;
  plan: Plan;
  options: RunOptions;
  pipelineVersion: number;
}

/**
 * Who drives a run: `server`, a run the server started and picks up again after a restart; `cli`, a
 * run `loom run` drives in its own process and records here, which the server only shows.
 */
export type RunSource = 'server' | 'cli';

export interface NewRun {
  id: string;
  pipelineId: string;
  pipelineVersion: number;
  document: PipelineDocument;
  plan: Plan;
  options: RunOptions;
  createdAt: string;
  /** @default 'server' */
  source?: RunSource;
}

/** A run's status as stored: `queued` until its `run.started` event. */
export type StoredRunStatus = 'queued' | RunStatus;

export interface StoredStep {
  id: string;
  type: string;
  version: string;
  title: string;
  status: StepStatus;
  /** Attempts made so far (the number of the latest `step.queued`). */
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** Latest progress report of the current attempt. */
  progress?: { fraction: number; message?: string };
  /** Final metrics when finished; while running, the latest value of each `step.metric`. */
  metrics: Record<string, number>;
  outputs: Record<string, OutputRecord>;
  contentKey?: string;
  /** For a cached step: the run that computed the result. */
  cachedFromRun?: string;
  failure?: StepFailure;
  skippedBecause?: string;
}

export interface StoredRun {
  id: string;
  pipelineId: string;
  pipelineVersion: number;
  /** `plan.pipeline`: the document's name. */
  pipelineName: string;
  status: StoredRunStatus;
  options: RunOptions;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** Number of the last stored event (0 when none). */
  lastSeq: number;
  /** How many times the run was resumed (POST resume or a server restart). */
  resumeCount: number;
  source: RunSource;
  /** Steps in plan order. */
  steps: StoredStep[];
}

export type RunSummary = Omit<StoredRun, 'steps' | 'options'> & {
  stepCounts: Partial<Record<StepStatus, number>>;
};

export interface RunListQuery {
  pipelineId?: string;
  status?: StoredRunStatus;
  /** @default 50 */
  limit?: number;
  /** Only runs created strictly before this run id (ids sort by time): paging. */
  before?: string;
}

/**
 * One point of a curve a step reported as it went: a `step.metric` event that carried a `step` (an
 * iteration or epoch), such as each iteration's training loss.
 */
export interface MetricPoint {
  /** The event's seq: unique within the run, and the order the points were reported in. */
  seq: number;
  attempt: number;
  name: string;
  /** The iteration or epoch the value belongs to. */
  step: number;
  value: number;
}

export interface StepLogEntry {
  seq: number;
  attempt: number;
  level: LogLevel;
  message: string;
  fields?: Record<string, unknown>;
  at: string;
}
