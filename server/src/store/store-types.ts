import type { Plan } from '@loom/compiler';
import type { PipelineDocument } from '@loom/graph';
import type { OutputRecord, RunStatus, StepFailure, StepStatus } from '@loom/runtime';
import type { LogLevel } from '@loom/sdk';
import type { RunTrigger } from './trigger-types.ts';

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
  /** What started it; left out for a run started by hand. */
  trigger?: RunTrigger;
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
  /** What started the run (a schedule, a webhook, an alert); absent when it was started by hand. */
  trigger?: RunTrigger;
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
  /** Only runs started by this trigger (its id; for alerts, the monitor's). */
  trigger?: string;
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

// The model registry

/** The kind of a model's input column, and of an output's values. */
export type ModelValueKind = 'number' | 'string';

/** One input of a model: a raw source column, sent as an [N, 1] tensor (float, NaN for NULL; or string). */
export interface ModelInput {
  name: string;
  kind: ModelValueKind;
}

/** One output of a model's ONNX graph. */
export interface ModelOutput {
  name: string;
  kind: ModelValueKind;
  /** Its dimensions, -1 for the row dimension: `[-1]` for labels, `[-1, classes]` for probabilities. */
  shape: number[];
}

/** Where a version came from; each field is null when not known (a version registered by hand). */
export interface ModelProvenance {
  pipelineId: string | null;
  pipelineVersion: number | null;
  runId: string | null;
  stepId: string | null;
}

/** What a registered version holds: the ONNX artifact, what it takes and gives, and where it came from. */
export interface NewModelVersion {
  model: string;
  /** The ONNX file's sha256 in the artifact store. */
  onnxSha256: string;
  onnxSize: number;
  inputs: ModelInput[];
  outputs: ModelOutput[];
  task: 'classification' | 'regression';
  label: string;
  labelKind: ModelValueKind;
  /** Classification: the class labels, in the order of the probabilities. */
  classes?: string[] | number[];
  /** The node type that trained it, e.g. `train.random_forest`. */
  trainedBy: string;
  /** How the inputs became the model's features (the training step's lineage). @default null */
  lineage?: Record<string, unknown> | null;
  /** The metrics of the validation that gated this version. @default null */
  metrics?: Record<string, unknown> | null;
  /** @default every field null */
  provenance?: Partial<ModelProvenance>;
  /** The model's description, when this version is its first. @default '' */
  description?: string;
  /** Who registered it, for the model's history. */
  by?: string;
  /** The training baseline the ONNX file carried (a @loom/drift DataProfile). @default null */
  baseline?: Record<string, unknown> | null;
}

export interface ModelVersion
  extends Omit<NewModelVersion, 'description' | 'by' | 'lineage' | 'metrics' | 'provenance' | 'baseline'> {
  /** Numbered from 1 within the model; a deleted version's number is never given again. */
  version: number;
  lineage: Record<string, unknown> | null;
  metrics: Record<string, unknown> | null;
  provenance: ModelProvenance;
  createdAt: string;
  /** The aliases that point at this version, by name. */
  aliases: string[];
  /** Whether it has a training baseline that monitors can compare traffic with. */
  hasBaseline: boolean;
}

/** The answer to a registration: the version, and whether it is new (false: the same ONNX was there). */
export interface RegisteredModelVersion {
  version: ModelVersion;
  created: boolean;
}

export interface ModelAlias {
  alias: string;
  version: number;
  updatedAt: string;
}

export interface ModelSummary {
  name: string;
  description: string;
  createdAt: string;
  /** The newest version still registered; null when the model has none left. */
  latestVersion: number | null;
  versionCount: number;
  /** By alias name. */
  aliases: ModelAlias[];
}

/** What setting or rolling back an alias did. */
export interface AliasMove {
  alias: string;
  version: number;
  /** Null when the alias is new. */
  previousVersion: number | null;
  /** False when the alias already pointed at `version`: nothing changed and no event was recorded. */
  moved: boolean;
  updatedAt: string;
}

export type ModelEventKind = 'version.registered' | 'alias.moved' | 'alias.removed' | 'version.deleted';

/** One entry in a model's history: each registration, alias move, alias removal and deletion. */
export interface ModelEvent {
  id: number;
  model: string;
  kind: ModelEventKind;
  alias?: string;
  fromVersion?: number;
  toVersion?: number;
  /** On a rollback: the id of the `alias.moved` event it undid. */
  rollbackOf?: number;
  at: string;
  by?: string;
}

/** A share of an endpoint's requests. */
export interface TrafficShare {
  version: number;
  /** An integer from 0 to 100; the shares of an endpoint sum to 100. */
  percent: number;
}

export interface EndpointSettings {
  /** The alias the endpoint serves. */
  alias: string;
  /** A split over explicit versions (a canary); empty or left out: every request to the alias's version. */
  traffic?: TrafficShare[];
}

export interface Endpoint {
  model: string;
  alias: string;
  /** The split as set; empty when the endpoint follows its alias. */
  traffic: TrafficShare[];
  /** Where requests go now: the split, or the alias's version at 100. */
  routes: TrafficShare[];
  updatedAt: string;
}
