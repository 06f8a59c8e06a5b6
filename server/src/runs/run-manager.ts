import { compileDocument, type Plan } from '@loom/compiler';
import type { Diagnostic, PipelineDocument } from '@loom/graph';
import {
  type ArtifactStore,
  checkInputFiles,
  newRunId,
  type RestoredStep,
  type RunEvent,
  runPlan,
  SharedAttemptTransport,
  type StepCache,
  type StepTransport,
  sha256,
} from '@loom/runtime';
import type { NodeRegistry } from '@loom/sdk';
import type { NodeRegistrySource } from '../node-registry-source.ts';
import { EventBatcher } from '../store/event-batcher.ts';
import type { LoomStore } from '../store/loom-store.ts';
import type { RunOptions, RunSummary } from '../store/store-types.ts';
import type { RunTrigger } from '../store/trigger-types.ts';
import { prunePlan, RunRequestError, stepsToForce } from './plan-selection.ts';

/** What a run request may ask for besides the pipeline. */
export interface RunRequest {
  parameters?: Record<string, string | number | boolean>;
  noCache?: boolean;
  /** Run this step and everything downstream of it again, whatever the cache holds. */
  fromStep?: string;
  /** Run only this step (again), with what it reads taken from the cache or computed first. */
  onlyStep?: string;
}

export type SubmitResult =
  | { kind: 'started'; run: RunSummary }
  | { kind: 'not-found'; message: string }
  | { kind: 'invalid'; message: string; diagnostics: Diagnostic[] }
  | { kind: 'conflict'; message: string };

/** Called as steps finish, so the metrics endpoint can report durations without reading events back. */
export interface RunMetricsSink {
  runStarted(): void;
  observeStep(nodeType: string, status: string, durationMs: number): void;
}

/** Depth of each queue by job state. */
export type QueueDepths = Record<string, { waiting: number; active: number; delayed: number }>;

/** What a queue transport tells about itself; absent for the inline transport. */
export interface QueueStatus {
  readonly redisUp: boolean;
  queueDepths(): Promise<QueueDepths>;
}

export interface RunManagerOptions {
  store: LoomStore;
  artifacts: ArtifactStore;
  /** The node types runs compile against; a source is read as each run starts (a dev loop replaces it). */
  registry: NodeRegistry | NodeRegistrySource;
  /** Where attempts run: inline (this process) or BullMQ (workers). Identical steps are shared on top. */
  transport: StepTransport;
  /** Relative document paths resolve against this folder (the first data root). */
  baseDir: string;
  dataRoots: readonly string[];
  metrics?: RunMetricsSink;
  /** Set when steps go to a queue (BullMQ): reported by `/healthz` and `/metrics`. */
  queue?: QueueStatus;
}

type RunListener = (event: RunEvent) => void;

/** How long closing waits for in-process steps to stop after their abort signal. */
const CLOSE_WAIT_MS = 10_000;

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
  /** Step id → node type, for the step-duration metric. */
  types: Map<string, string>;
}

/**
 * Owns every run this server drives: compiles and starts them, stores each event (the store is a
 * projection of the events, written in batches), streams events to listeners, cancels, resumes a
 * finished run after its document was fixed, and picks up the runs that were going when the server
 * stopped. The DAG lives here, in {@link runPlan}'s scheduler; the transport only runs attempts.
 */
export class RunManager {
  readonly #options: RunManagerOptions;
  readonly #transport: SharedAttemptTransport;
  readonly #cache: StepCache;
  readonly #active = new Map<string, ActiveRun>();
  readonly #listeners = new Map<string, Set<RunListener>>();
  readonly #events: EventBatcher;
  #closed = false;

  constructor(options: RunManagerOptions) {
    this.#options = options;
    this.#transport = new SharedAttemptTransport(options.transport);
    this.#cache = options.store.stepCache(options.artifacts);
    this.#events = new EventBatcher((events) => options.store.appendEvents(events));
  }

  get #registry(): NodeRegistry {
    const { registry } = this.#options;
    return 'subscribe' in registry ? registry.registry : registry;
  }

  /** Which transport runs the steps and, for a queue, whether Redis answers. */
  health(): { transport: 'inline' | 'bullmq'; redisUp?: boolean } {
    const queue = this.#options.queue;
    return queue === undefined ? { transport: 'inline' } : { transport: 'bullmq', redisUp: queue.redisUp };
  }

  /** Jobs per queue and state; empty for the inline transport, which has no queue. */
  async queueDepths(): Promise<QueueDepths> {
    return (await this.#options.queue?.queueDepths()) ?? {};
  }

  /**
   * Compiles the pipeline's version (latest by default) and starts a run of it, unless a file one of
   * its steps reads is missing: that is refused before anything runs, with the files it may have meant.
   * `trigger` names what started it (a schedule, a webhook, an alert), stored with the run; left out
   * for a run started by hand.
   */
  async submit(pipelineId: string, request: RunRequest, version?: number, trigger?: RunTrigger): Promise<SubmitResult> {
    const saved = this.#options.store.getPipeline(pipelineId, version);
    if (saved === undefined) {
      return {
        kind: 'not-found',
        message:
          version === undefined
            ? `no pipeline with id "${pipelineId}"`
            : `pipeline "${pipelineId}" has no version ${version}`,
      };
    }
    const options: RunOptions = { parameters: request.parameters ?? {}, noCache: request.noCache === true };
    if (request.fromStep !== undefined) options.fromStep = request.fromStep;
    if (request.onlyStep !== undefined) options.onlyStep = request.onlyStep;
    const compiled = this.#compile(saved.document, options);
    if (compiled.kind !== 'ok') return compiled;
    const missing = await this.#missingFiles(saved.document, options, compiled.plan);
    if (missing !== undefined) return missing;
    const created = this.#options.store.createRun({
      id: newRunId(),
      pipelineId,
      pipelineVersion: saved.version,
      document: saved.document,
      plan: compiled.plan,
      options,
      createdAt: new Date().toISOString(),
      ...(trigger === undefined ? {} : { trigger }),
    });
    this.#options.metrics?.runStarted();
    this.#drive(created.id, compiled.plan, options);
    return { kind: 'started', run: this.#summary(created.id) };
  }

  /** Cancels a run that is going; `false` when it is not (finished, or unknown). */
  cancel(runId: string): boolean {
    const active = this.#active.get(runId);
    if (active === undefined) return false;
    active.controller.abort();
    return true;
  }

  /**
   * Runs the failed, cancelled and skipped steps of a finished run again, against the pipeline's
   * latest version (the user may have fixed the document): every step whose cache key is unchanged
   * keeps its result; the rest run (or come from the cache). A file they read that is missing now
   * refuses the resume, as it refuses a new run.
   */
  async resume(runId: string): Promise<SubmitResult> {
    const definition = this.#options.store.getRunDefinition(runId);
    const run = this.#options.store.getRun(runId);
    if (definition !== undefined && run !== undefined) {
      const document = this.#options.store.getPipeline(run.pipelineId)?.document ?? definition.document;
      const compiled = this.#compile(document, definition.options);
      if (compiled.kind !== 'ok') return compiled;
      const missing = await this.#missingFiles(document, definition.options, compiled.plan);
      if (missing !== undefined) return missing;
    }
    // Everything from here on is synchronous: no other resume can slip in between the checks and the start.
    return this.#resumeNow(runId);
  }

  #resumeNow(runId: string): SubmitResult {
    const run = this.#options.store.getRun(runId);
    const definition = this.#options.store.getRunDefinition(runId);
    if (run === undefined || definition === undefined)
      return { kind: 'not-found', message: `no run with id "${runId}"` };
    if (this.#active.has(runId) || run.status === 'running' || run.status === 'queued') {
      return { kind: 'conflict', message: `run "${runId}" is still going: cancel it or wait for it to finish` };
    }
    if (run.status === 'succeeded') {
      return { kind: 'conflict', message: `run "${runId}" succeeded: there is nothing to resume; start a new run` };
    }
    const latest = this.#options.store.getPipeline(run.pipelineId);
    const document = latest?.document ?? definition.document;
    const pipelineVersion = latest?.version ?? definition.pipelineVersion;
    const compiled = this.#compile(document, definition.options);
    if (compiled.kind !== 'ok') return compiled;

    const previous = new Map(definition.plan.steps.map((step) => [step.id, step.cacheKey]));
    const stored = new Map(run.steps.map((step) => [step.id, step]));
    const restore = new Map<string, RestoredStep>();
    const reset: string[] = [];
    for (const step of compiled.plan.steps) {
      const old = stored.get(step.id);
      if (old === undefined) continue;
      const done = old.status === 'succeeded' || old.status === 'cached';
      if (done && previous.get(step.id) === step.cacheKey) {
        restore.set(step.id, { status: old.status, attempt: old.attempts, outputs: old.outputs });
      } else {
        restore.set(step.id, { status: 'pending', attempt: old.attempts });
        if (old.status !== 'pending') reset.push(step.id);
      }
    }
    this.#options.store.replaceRunPlan(runId, { pipelineVersion, document, plan: compiled.plan });
    this.#drive(runId, compiled.plan, definition.options, {
      steps: restore,
      lastSeq: run.lastSeq,
      reason: 'resume',
      reset,
      startedAtMs: Date.now(),
    });
    return { kind: 'started', run: this.#summary(runId) };
  }

  /**
   * Picks up the runs that were going when the server stopped (a crash or a restart): finished steps
   * keep their results, attempts in flight are dispatched again under the same attempt number (a
   * queue job that is still there is joined, not run twice), and the rest continue.
   */
  restoreActiveRuns(): string[] {
    const ids = this.#options.store.serverRunIdsWithStatus(['queued', 'running']);
    for (const runId of ids) {
      const run = this.#options.store.getRun(runId);
      const definition = this.#options.store.getRunDefinition(runId);
      if (run === undefined || definition === undefined || this.#active.has(runId)) continue;
      if (run.status === 'queued') {
        this.#drive(runId, definition.plan, definition.options);
        continue;
      }
      const restore = new Map<string, RestoredStep>();
      for (const step of run.steps) {
        restore.set(step.id, {
          status: step.status,
          attempt: step.attempts,
          ...(step.status === 'succeeded' || step.status === 'cached' ? { outputs: step.outputs } : {}),
        });
      }
      this.#drive(runId, definition.plan, definition.options, {
        steps: restore,
        lastSeq: run.lastSeq,
        reason: 'restart',
        reset: [],
        startedAtMs: run.startedAt === undefined ? Date.now() : Date.parse(run.startedAt),
      });
    }
    return ids;
  }

  /** Live events of one run; returns the function that stops listening. */
  subscribe(runId: string, listener: RunListener): () => void {
    let listeners = this.#listeners.get(runId);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(runId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#listeners.get(runId) === listeners) this.#listeners.delete(runId);
    };
  }

  /** Writes the events still waiting for their batch, so that what the store says is current. */
  flushEvents(): void {
    this.#events.flush();
  }

  /** Waits until the run is no longer driven here (finished, or the manager closed). */
  async settled(runId: string): Promise<void> {
    await this.#active.get(runId)?.done;
  }

  /**
   * Stops storing and streaming. Runs are NOT cancelled: they stay `running` in the store and the
   * next server picks them up, which is what a restart should do. Steps on queue workers go on; steps
   * running in this process are stopped (they could not outlive it anyway) and waited for, so that
   * nothing writes into the state folder after the server has closed.
   */
  async close(): Promise<void> {
    this.#events.flush();
    this.#closed = true;
    if (this.#options.queue === undefined) {
      const settling = [...this.#active.values()].map((run) => {
        run.controller.abort();
        return run.done;
      });
      await Promise.race([Promise.all(settling), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS))]);
    }
    await this.#transport.close();
  }

  #summary(runId: string): RunSummary {
    const summary = this.#options.store.getRunSummary(runId);
    if (summary === undefined) throw new Error(`run "${runId}" vanished from the store`);
    return summary;
  }

  /** The run refused for the steps' input files that are nowhere a run would look; `undefined` when all are there. */
  async #missingFiles(
    document: PipelineDocument,
    options: RunOptions,
    plan: Plan,
  ): Promise<Extract<SubmitResult, { kind: 'invalid' }> | undefined> {
    const running = new Set(plan.steps.map((step) => step.id));
    const diagnostics = (
      await checkInputFiles(
        document,
        this.#registry,
        { baseDir: this.#options.baseDir, dataRoots: this.#options.dataRoots },
        options.parameters,
      )
    ).filter((diagnostic) => diagnostic.nodeId === undefined || running.has(diagnostic.nodeId));
    if (diagnostics.length === 0) return undefined;
    const [first] = diagnostics;
    return {
      kind: 'invalid',
      message:
        diagnostics.length === 1 && first !== undefined
          ? `the pipeline cannot run: ${first.message}`
          : `the pipeline cannot run: ${diagnostics.length} files are missing: ${diagnostics.map((d) => d.message).join('; ')}`,
      diagnostics,
    };
  }

  #compile(
    document: PipelineDocument,
    options: RunOptions,
  ): { kind: 'ok'; plan: Plan } | Extract<SubmitResult, { kind: 'invalid' }> {
    const compiled = compileDocument(document, this.#registry, {
      parameters: options.parameters,
      hash: sha256,
    });
    if (!compiled.ok) {
      const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
      return {
        kind: 'invalid',
        message: `the pipeline has ${errors.length} problem${errors.length === 1 ? '' : 's'}: ${errors
          .slice(0, 3)
          .map((d) => d.message)
          .join('; ')}`,
        diagnostics: compiled.diagnostics,
      };
    }
    try {
      return { kind: 'ok', plan: prunePlan(compiled.plan, options) };
    } catch (cause) {
      if (cause instanceof RunRequestError) return { kind: 'invalid', message: cause.message, diagnostics: [] };
      throw cause;
    }
  }

  #drive(runId: string, plan: Plan, options: RunOptions, resume?: Parameters<typeof runPlan>[1]['resume']): void {
    const controller = new AbortController();
    const done = runPlan(plan, {
      runId,
      registry: this.#registry,
      store: this.#options.artifacts,
      cache: this.#cache,
      transport: this.#transport,
      baseDir: this.#options.baseDir,
      dataRoots: this.#options.dataRoots,
      noCache: options.noCache,
      forceSteps: stepsToForce(plan, options),
      signal: controller.signal,
      onEvent: (event) => this.#onEvent(event),
      ...(resume === undefined ? {} : { resume }),
    }).then(
      () => this.#events.flush(),
      () => this.#events.flush(),
    );
    const active: ActiveRun = { controller, done, types: new Map(plan.steps.map((s) => [s.id, s.type])) };
    this.#active.set(runId, active);
    // `run.started`/`run.resumed` is out already: stored now, the reply to this request shows the run going.
    this.#events.flush();
    void done.finally(() => {
      if (this.#active.get(runId) === active) this.#active.delete(runId);
    });
  }

  #onEvent(event: RunEvent): void {
    if (this.#closed) return;
    this.#events.add(event);
    if (event.kind === 'step.succeeded' || event.kind === 'step.failed') {
      const type = this.#active.get(event.runId)?.types.get(event.stepId) ?? 'unknown';
      this.#options.metrics?.observeStep(
        type,
        event.kind === 'step.succeeded' ? 'succeeded' : 'failed',
        event.durationMs,
      );
    }
    const listeners = this.#listeners.get(event.runId);
    if (listeners !== undefined) for (const listener of listeners) listener(event);
  }
}
