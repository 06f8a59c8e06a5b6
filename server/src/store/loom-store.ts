import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Plan } from '@loom/compiler';
import { canonicalJson, type PipelineDocument } from '@loom/graph';
import type { ArtifactStore, RunEvent, StepCache, StepStatus } from '@loom/runtime';
import Database from 'better-sqlite3';
import { EventProjection } from './event-projection.ts';
import { migrate } from './migrations.ts';
import { ModelRegistry } from './model-registry.ts';
import { MonitorStore } from './monitor-store.ts';
import { SqliteStepCache } from './sqlite-step-cache.ts';
import {
  RUN_COLUMNS,
  type RunRow,
  toEvent,
  toLogEntry,
  toPipelineVersion,
  toPipelineVersionSummary,
  toRun,
  toRunSummary,
} from './store-rows.ts';
import { prepareStatements } from './store-statements.ts';
import type {
  AliasMove,
  Endpoint,
  EndpointSettings,
  MetricPoint,
  ModelEvent,
  ModelSummary,
  ModelVersion,
  NewModelVersion,
  NewRun,
  PipelineSummary,
  PipelineVersion,
  PipelineVersionSummary,
  RegisteredModelVersion,
  RunDefinition,
  RunListQuery,
  RunSummary,
  StepLogEntry,
  StoredRun,
  StoredRunStatus,
} from './store-types.ts';
import { TriggerStore } from './trigger-store.ts';

export interface LoomStoreOptions {
  /** The clock for pipeline and version timestamps. @default () => new Date() */
  now?: () => Date;
}

/** A page of `listRuns` when the query names no limit. */
const DEFAULT_RUN_PAGE = 50;

/**
 * Loom's state in one SQLite file: pipelines with their versions, runs with their steps, every run
 * event, step logs and the step cache. Synchronous (better-sqlite3): each call is one short
 * transaction, which is what SQLite does fastest. The server and any `loom run` on the same home open
 * the same file: WAL lets each read while another writes, writes take turns (each waits up to the busy
 * timeout for the other's transaction, which is milliseconds long), and every run is written by the
 * one process that drives it.
 *
 * Run progress has one write path, {@link LoomStore.appendEvents}: events are stored and projected onto
 * the run and step rows in the same transaction, so a crash never leaves the two disagreeing.
 *
 * @example
 * const store = LoomStore.open('.loom/loom.db');
 * const pipeline = store.createPipeline(document);
 * store.createRun({ id: newRunId(), pipelineId: pipeline.pipelineId, pipelineVersion: 1, document, plan, options, createdAt });
 * store.appendEvents(events);
 * store.close();
 */
export class LoomStore {
  readonly #db: Database.Database;
  readonly #now: () => Date;
  readonly #projection: EventProjection;
  readonly #statements;
  readonly #runQueries = new Map<string, Database.Statement<unknown[], RunRow>>();
  readonly #appendEvents: Database.Transaction<(events: readonly RunEvent[]) => void>;
  readonly #models: ModelRegistry;
  /** Endpoint monitors, their windows and alerts (see MonitorStore). */
  readonly monitors: MonitorStore;
  /**
   * Schedules, webhooks and their fires. A part of its own rather than methods here: its callers (the
   * trigger service and the schedulers) use nothing else of the store's.
   */
  readonly triggers: TriggerStore;

  private constructor(db: Database.Database, options: LoomStoreOptions) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
    this.#projection = new EventProjection(db);
    this.#statements = prepareStatements(db);
    this.#models = new ModelRegistry(db, this.#now);
    this.monitors = new MonitorStore(db, this.#now);
    this.triggers = new TriggerStore(db, this.#now);
    const { bumpLastSeq, insertEvent } = this.#statements;
    this.#appendEvents = db.transaction((events: readonly RunEvent[]) => {
      // One update of each run's last seq per batch, not one per event.
      const lastSeqs = new Map<string, number>();
      for (const event of events) lastSeqs.set(event.runId, Math.max(event.seq, lastSeqs.get(event.runId) ?? 0));
      for (const [runId, seq] of lastSeqs) {
        if (bumpLastSeq.run(seq, runId).changes === 0) {
          throw new Error(`cannot store events of run "${runId}": there is no such run`);
        }
      }
      for (const event of events) {
        const { runId, seq, at, ...body } = event;
        const stepId = 'stepId' in event ? event.stepId : null;
        // A replayed event is already stored and projected: applying it again would, for instance,
        // count a resume twice.
        if (insertEvent.run(runId, seq, event.kind, stepId, JSON.stringify(body), at).changes === 0) continue;
        this.#projection.apply(event);
      }
    });
  }

  /**
   * Opens (creating it and its directory if needed) and migrates the store at `path`; `':memory:'` gives
   * a private in-memory store. Throws if the file was written by a newer Loom.
   */
  static open(path: string, options: LoomStoreOptions = {}): LoomStore {
    const inMemory = path === ':memory:';
    if (!inMemory) mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      // WAL lets readers (event streams, the API) go on while a run writes. With WAL, synchronous=NORMAL
      // never corrupts the file and loses nothing when the process dies; only a power cut may lose the
      // last commits, a fair price for not syncing on every event.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // Another process (a server, a `loom run`) may hold the write lock for a moment: wait, not fail.
      db.pragma('busy_timeout = 5000');
      migrate(db, inMemory ? 'memory' : path);
      return new LoomStore(db, options);
    } catch (cause) {
      db.close();
      throw cause;
    }
  }

  close(): void {
    this.#db.close();
  }

  // Pipelines

  /** Saves a new pipeline as version 1. @throws when `options.id` is taken. */
  createPipeline(document: PipelineDocument, options: { id?: string } = {}): PipelineVersion {
    const id = options.id ?? newPipelineId();
    const createdAt = this.#now().toISOString();
    return this.#db
      .transaction(() => {
        if (this.#statements.latestVersion.get(id) !== undefined) throw new Error(`pipeline "${id}" already exists`);
        this.#statements.insertPipeline.run(id, document.name, createdAt, createdAt);
        this.#statements.insertVersion.run(id, 1, document.name, JSON.stringify(document), createdAt);
        return { pipelineId: id, version: 1, document, createdAt };
      })
      .immediate();
  }

  /** Saves `document` as the pipeline's next version; undefined when there is no such pipeline. */
  savePipelineVersion(id: string, document: PipelineDocument): PipelineVersion | undefined {
    const createdAt = this.#now().toISOString();
    return this.#db
      .transaction(() => {
        const latest = this.#statements.latestVersion.get(id);
        if (latest === undefined) return undefined;
        const version = latest + 1;
        this.#statements.insertVersion.run(id, version, document.name, JSON.stringify(document), createdAt);
        this.#statements.touchPipeline.run(document.name, version, createdAt, id);
        return { pipelineId: id, version, document, createdAt };
      })
      .immediate();
  }

  /**
   * The pipeline version that a run of `document` from outside the designer (`loom run FILE`) is filed
   * under, so that it shows in that pipeline's history: the most recently updated pipeline with the
   * document's name, at its latest version when that is the same document (compared canonically) or
   * else at a new version holding it; a new pipeline when no pipeline has the name. One transaction,
   * so two such runs of a new document at once make one pipeline.
   */
  pipelineVersionFor(document: PipelineDocument): PipelineVersion {
    return this.#db
      .transaction((): PipelineVersion => {
        const id = this.#statements.latestPipelineNamed.get(document.name);
        if (id === undefined) return this.createPipeline(document);
        const latest = this.getPipeline(id);
        if (latest !== undefined && canonicalJson(latest.document) === canonicalJson(document)) return latest;
        const saved = this.savePipelineVersion(id, document);
        if (saved === undefined) throw new Error(`pipeline "${id}" vanished while a version was saved`);
        return saved;
      })
      .immediate();
  }

  /** One version of a pipeline, the latest when `version` is left out. */
  getPipeline(id: string, version?: number): PipelineVersion | undefined {
    const row =
      version === undefined ? this.#statements.latestPipeline.get(id) : this.#statements.pipelineAt.get(id, version);
    return row === undefined ? undefined : toPipelineVersion(row);
  }

  /** Every pipeline, the most recently updated first. */
  listPipelines(): PipelineSummary[] {
    return this.#statements.listPipelines.all().map((row) => ({
      id: row.id,
      name: row.name,
      latestVersion: row.latest_version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  /** The pipeline's versions, newest first; undefined when there is no such pipeline. */
  listPipelineVersions(id: string): PipelineVersionSummary[] | undefined {
    if (this.#statements.latestVersion.get(id) === undefined) return undefined;
    return this.#statements.listVersions.all(id).map(toPipelineVersionSummary);
  }

  /** Deletes the pipeline and all its versions. Its runs stay: each keeps its own document snapshot. */
  deletePipeline(id: string): boolean {
    return this.#statements.deletePipeline.run(id).changes > 0;
  }

  // Runs

  /** Stores a new run, `queued`, with a `pending` step row per plan step. @throws when the id is taken. */
  createRun(run: NewRun): StoredRun {
    this.#db
      .transaction(() => {
        if (this.#statements.runExists.get(run.id) !== undefined) throw new Error(`run "${run.id}" already exists`);
        this.#statements.insertRun.run({
          id: run.id,
          pipelineId: run.pipelineId,
          pipelineVersion: run.pipelineVersion,
          pipelineName: run.plan.pipeline,
          options: JSON.stringify(run.options),
          createdAt: run.createdAt,
          source: run.source ?? 'server',
          trigger: run.trigger === undefined ? null : JSON.stringify(run.trigger),
        });
        this.#statements.insertRunDefinition.run({
          id: run.id,
          document: JSON.stringify(run.document),
          plan: JSON.stringify(run.plan),
        });
        run.plan.steps.forEach((step, position) => {
          this.#statements.upsertStep.run(run.id, step.id, position, step.type, step.version, step.title);
        });
      })
      .immediate();
    const created = this.getRun(run.id);
    if (created === undefined) throw new Error(`run "${run.id}" vanished right after it was stored`);
    return created;
  }

  getRun(id: string): StoredRun | undefined {
    const row = this.#statements.runById.get(id);
    return row === undefined ? undefined : toRun(row, this.#statements.stepsOfRun.all(id));
  }

  /** What the run was started from, for a resume or a restart. */
  getRunDefinition(id: string): RunDefinition | undefined {
    const row = this.#statements.runDefinition.get(id);
    if (row === undefined) return undefined;
    return {
      document: JSON.parse(row.document),
      plan: JSON.parse(row.plan),
      options: JSON.parse(row.options),
      pipelineVersion: row.pipeline_version,
    };
  }

  /** One run without its steps (their counts by status instead): cheap however large the run. */
  getRunSummary(id: string): RunSummary | undefined {
    const row = this.#statements.runById.get(id);
    if (row === undefined) return undefined;
    const counts: RunSummary['stepCounts'] = {};
    for (const { status, count } of this.#statements.stepCountsOfRuns.all(JSON.stringify([id]))) {
      counts[status as StepStatus] = count;
    }
    return toRunSummary(row, counts);
  }

  /** Runs newest first (run ids sort by creation time), filtered, one page at a time. */
  listRuns(query: RunListQuery = {}): RunSummary[] {
    const filters: string[] = [];
    const params: unknown[] = [];
    if (query.pipelineId !== undefined) {
      filters.push('pipeline_id = ?');
      params.push(query.pipelineId);
    }
    if (query.status !== undefined) {
      filters.push('status = ?');
      params.push(query.status);
    }
    if (query.before !== undefined) {
      filters.push('id < ?');
      params.push(query.before);
    }
    if (query.trigger !== undefined) {
      // Written as the index runs_by_trigger is, so the filter reads the index.
      filters.push("trigger IS NOT NULL AND json_extract(trigger, '$.id') = ?");
      params.push(query.trigger);
    }
    const where = filters.length === 0 ? '' : `WHERE ${filters.join(' AND ')}`;
    const rows = this.#runQuery(`SELECT ${RUN_COLUMNS} FROM runs ${where} ORDER BY id DESC LIMIT ?`).all(
      ...params,
      query.limit ?? DEFAULT_RUN_PAGE,
    );
    const counts = new Map<string, RunSummary['stepCounts']>(rows.map((row) => [row.id, {}]));
    for (const { run_id, status, count } of this.#statements.stepCountsOfRuns.all(
      JSON.stringify(rows.map((row) => row.id)),
    )) {
      const runCounts = counts.get(run_id);
      if (runCounts !== undefined) runCounts[status as StepStatus] = count;
    }
    return rows.map((row) => toRunSummary(row, counts.get(row.id) ?? {}));
  }

  /**
   * Ids of the runs the server drives in any of `statuses`, oldest first: what a restarted server picks
   * up again. Those are its own runs and the `loom run` runs it resumed, never a `loom run` that may
   * still be going in a process of its own.
   */
  serverRunIdsWithStatus(statuses: readonly StoredRunStatus[]): string[] {
    return this.#statements.serverRunIdsWithStatus.all(JSON.stringify(statuses));
  }

  /**
   * Points a run at a fixed document before it is resumed. Step rows of steps still in the plan keep
   * their state (results of finished steps stay valid); new steps get `pending` rows; rows of steps no
   * longer in the plan go. Their events stay in the history.
   */
  replaceRunPlan(runId: string, next: { pipelineVersion: number; document: PipelineDocument; plan: Plan }): void {
    this.#db
      .transaction(() => {
        const updated = this.#statements.replacePlan.run(next.pipelineVersion, next.plan.pipeline, runId);
        if (updated.changes === 0) throw new Error(`cannot replace the plan of run "${runId}": there is no such run`);
        this.#statements.replaceDefinition.run(JSON.stringify(next.document), JSON.stringify(next.plan), runId);
        this.#statements.deleteStepsNotIn.run(runId, JSON.stringify(next.plan.steps.map((step) => step.id)));
        next.plan.steps.forEach((step, position) => {
          this.#statements.upsertStep.run(runId, step.id, position, step.type, step.version, step.title);
        });
      })
      .immediate();
  }

  // Events

  /**
   * Stores events and projects them onto their runs, all in one transaction. Storing an event twice (same
   * run and seq) is harmless: the second copy is ignored, and not projected again.
   * @throws when an event belongs to an unknown run (nothing of the batch is stored).
   */
  appendEvents(events: readonly RunEvent[]): void {
    if (events.length > 0) this.#appendEvents.immediate(events);
  }

  /** The run's events with `seq > afterSeq`, in order, as they were emitted. @param limit @default 1000 */
  eventsAfter(runId: string, afterSeq: number, limit = 1000): RunEvent[] {
    return this.#statements.eventsAfter.all(runId, afterSeq, limit).map(toEvent);
  }

  /** A step's log lines in order, of one attempt or of all. */
  stepLogs(runId: string, stepId: string, attempt?: number): StepLogEntry[] {
    const rows =
      attempt === undefined
        ? this.#statements.stepLogs.all(runId, stepId)
        : this.#statements.stepLogsOfAttempt.all(runId, stepId, attempt);
    return rows.map(toLogEntry);
  }

  /**
   * The curve points a step reported (its `step.metric` events with a `step`), in order: of every
   * attempt, of attempt `attempt`, or with `latest`, of its latest attempt only (the points after its
   * last `step.queued`: attempt numbers start again at 1 when a run is resumed). They are read from the
   * stored events, which keep every point; the step's row keeps only the latest value of each metric.
   */
  stepMetricPoints(runId: string, stepId: string, which: { attempt?: number; latest?: boolean } = {}): MetricPoint[] {
    let points: MetricPoint[] = [];
    for (const event of this.#statements.stepCurveEvents.all(runId, stepId).map(toEvent)) {
      if (event.kind === 'step.queued' && which.latest === true) points = [];
      if (event.kind !== 'step.metric' || event.step === undefined) continue;
      if (which.attempt !== undefined && event.attempt !== which.attempt) continue;
      points.push({ seq: event.seq, attempt: event.attempt, name: event.name, step: event.step, value: event.value });
    }
    return points;
  }

  // Metrics

  /** How many runs there are in each status. */
  runCountsByStatus(): Record<string, number> {
    return Object.fromEntries(this.#statements.runCounts.all().map(({ status, count }) => [status, count]));
  }

  /** How many steps, over all runs, there are in each status. */
  stepCountsByStatus(): Record<string, number> {
    return Object.fromEntries(this.#statements.stepCounts.all().map(({ status, count }) => [status, count]));
  }

  /** The step cache kept in this store; `artifacts` is asked whether a cached result's blobs are still there. */
  stepCache(artifacts: ArtifactStore): StepCache {
    return new SqliteStepCache(this.#db, artifacts);
  }

  // The model registry (see ModelRegistry). Refusals throw ModelRegistryError: `not-found`, `invalid`
  // (with the field) or `conflict`.

  /**
   * Registers an ONNX artifact as the model's next version, creating the model with its first. The same
   * ONNX (sha256) registered again gives back its existing version with `created: false`.
   */
  registerModelVersion(version: NewModelVersion): RegisteredModelVersion {
    return this.#models.registerModelVersion(version);
  }

  /** Every model, by name. */
  listModels(): ModelSummary[] {
    return this.#models.listModels();
  }

  getModel(name: string): ModelSummary | undefined {
    return this.#models.getModel(name);
  }

  /** The model's versions, newest first; undefined when there is no such model. */
  listModelVersions(name: string): ModelVersion[] | undefined {
    return this.#models.listModelVersions(name);
  }

  getModelVersion(name: string, version: number): ModelVersion | undefined {
    return this.#models.getModelVersion(name, version);
  }

  /** The training baseline profile of a version; undefined when it has none (or does not exist). */
  getModelBaseline(name: string, version: number): Record<string, unknown> | undefined {
    return this.#models.getModelBaseline(name, version);
  }

  /** Points the alias (new or not) at a version: one `alias.moved` event, none when it already pointed there. */
  setAlias(name: string, alias: string, version: number, by?: string): AliasMove {
    return this.#models.setAlias(name, alias, version, by);
  }

  /** Removes an alias; refused while the model's endpoint serves it. */
  removeAlias(name: string, alias: string, by?: string): void {
    this.#models.removeAlias(name, alias, by);
  }

  /** Deletes a version; refused, naming them, while an alias points at it or the endpoint routes to it. */
  deleteModelVersion(name: string, version: number, by?: string): void {
    this.#models.deleteModelVersion(name, version, by);
  }

  /** The model's history, newest first; undefined when there is no such model. */
  listModelEvents(name: string): ModelEvent[] | undefined {
    return this.#models.listModelEvents(name);
  }

  /**
   * Moves the alias back to the version it pointed at before its last move (one `alias.moved` event);
   * rolling back again goes one further back. A canary split on the endpoint serving the alias is
   * cleared. Refused when there is no earlier version, or it was deleted.
   */
  rollback(name: string, alias: string, by?: string): AliasMove {
    return this.#models.rollback(name, alias, by);
  }

  /** Creates or replaces the model's endpoint: the alias it serves and an optional traffic split. */
  setEndpoint(model: string, settings: EndpointSettings): Endpoint {
    return this.#models.setEndpoint(model, settings);
  }

  getEndpoint(model: string): Endpoint | undefined {
    return this.#models.getEndpoint(model);
  }

  /** Every endpoint, by model name. */
  listEndpoints(): Endpoint[] {
    return this.#models.listEndpoints();
  }

  /** Removes the model's endpoint; false when it had none. */
  removeEndpoint(model: string): boolean {
    return this.#models.removeEndpoint(model);
  }

  /**
   * A value that changes whenever what the model server should serve may have changed: an endpoint
   * set, changed or removed, an alias moved or removed, a version registered or deleted, by this
   * process or another on the same database. One cheap query, for polling.
   */
  servingRevision(): string {
    return this.#models.servingRevision();
  }

  /** Run list queries differ only by their filters: one statement per combination, prepared once. */
  #runQuery(sql: string): Database.Statement<unknown[], RunRow> {
    let statement = this.#runQueries.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare<unknown[], RunRow>(sql);
      this.#runQueries.set(sql, statement);
    }
    return statement;
  }
}

/** 12 characters of base32 (60 random bits): short enough for a URL, too many to guess or collide. */
function newPipelineId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from(randomBytes(12), (byte) => alphabet[byte % 32]).join('');
}
