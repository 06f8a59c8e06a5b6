import { randomBytes } from 'node:crypto';
import { type Plan, type PlanStep, stepIdentity } from '@loom/compiler';
import { canonicalJson } from '@loom/graph';
import type { NodeRegistry } from '@loom/sdk';
import { type ArtifactStore, hashFile } from './artifact-store.ts';
import { type AttemptHooks, type AttemptOutcome, resolveDocumentPath } from './execute-attempt.ts';
import type { StepTransport } from './inline-transport.ts';
import type { OutputRecord } from './output-record.ts';
import type { RunEvent, RunEventBody, RunStatus, StepFailure, StepStatus } from './run-events.ts';
import { type RestoredStep, RunScheduler, type SchedulerCommand, type SchedulerInput } from './run-scheduler.ts';
import { sha256 } from './sha256.ts';
import type { StepCache } from './step-cache.ts';

export interface RunPlanOptions {
  registry: NodeRegistry;
  store: ArtifactStore;
  cache: StepCache;
  transport: StepTransport;
  /** Relative paths in parameters resolve against this directory (the pipeline document's folder). */
  baseDir: string;
  /** @default a new time-ordered id */
  runId?: string;
  /** Run every step even when its result is cached (results are still stored for next time). @default false */
  noCache?: boolean;
  /** Aborting it cancels the run: queued steps are dropped, running ones get their signal aborted. */
  signal?: AbortSignal;
  /** Every event of the run, in order. */
  onEvent?: (event: RunEvent) => void;
  /**
   * When set, paths in parameters must lie inside these folders (see `confinePath`). @default unconfined
   */
  dataRoots?: readonly string[];
  /** Steps that run even when their result is cached (`fromStep`/`onlyStep` on the server). @default none */
  forceSteps?: ReadonlySet<string>;
  /**
   * Continues a run that stopped: where each step stood, the number of its last event, and why it goes
   * on. Instead of `run.started` the run emits `run.resumed`.
   */
  resume?: {
    steps: ReadonlyMap<string, RestoredStep>;
    lastSeq: number;
    reason: 'resume' | 'restart';
    /** Steps set back to pending for this resume (reported in the event). */
    reset: string[];
    /** When the run first started (epoch ms), so its duration covers the whole run. */
    startedAtMs: number;
  };
}

/** How one step ended. */
export interface StepResult {
  id: string;
  type: string;
  version: string;
  title: string;
  status: StepStatus;
  cached: boolean;
  attempts: number;
  durationMs: number;
  /** The metrics the step reported: its outcome's when it succeeded, its last attempt's when it failed. */
  metrics: Record<string, number>;
  outputs: Record<string, OutputRecord>;
  contentKey?: string;
  failure?: StepFailure;
  skippedBecause?: string;
}

export interface RunResult {
  runId: string;
  pipeline: string;
  status: Exclude<RunStatus, 'running'>;
  durationMs: number;
  steps: StepResult[];
}

let lastRunIdMs = 0;

/**
 * A unique run id that sorts by creation time, to the millisecond: `20261126T053012678Z-3f9a1c`. Ids
 * made by one process (without a given time) never tie: a second id in the same millisecond takes the next one, so listing
 * runs by id lists them in the order they were made. Only `[0-9A-Za-z-]`, so it fits queue job ids.
 */
export function newRunId(now?: Date): string {
  let ms = now?.getTime() ?? Date.now();
  if (now === undefined) {
    ms = Math.max(ms, lastRunIdMs + 1);
    lastRunIdMs = ms;
  }
  const stamp = new Date(ms).toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/**
 * Runs a plan to the end: drives the {@link RunScheduler} with cache look-ups and attempts on the
 * transport, and reports every event. Resolves when the run has finished, whatever its status.
 */
export function runPlan(plan: Plan, options: RunPlanOptions): Promise<RunResult> {
  return new RunDriver(plan, options).run();
}

class RunDriver {
  readonly #plan: Plan;
  readonly #options: RunPlanOptions;
  readonly #runId: string;
  readonly #scheduler: RunScheduler;
  readonly #steps = new Map<string, PlanStep>();
  readonly #results = new Map<string, StepResult>();
  readonly #contentKeys = new Map<string, string>();
  readonly #controllers = new Map<string, AbortController>();
  readonly #retryTimers = new Map<string, { timer: NodeJS.Timeout; attempt: number }>();
  readonly #startedAt: number;
  #seq = 0;
  #planSha256: string | undefined;
  #finish: (status: Exclude<RunStatus, 'running'>) => void = () => undefined;

  constructor(plan: Plan, options: RunPlanOptions) {
    this.#plan = plan;
    this.#options = options;
    this.#runId = options.runId ?? newRunId();
    const restore = options.resume?.steps;
    this.#scheduler = new RunScheduler(plan, restore === undefined ? {} : { restore });
    this.#seq = options.resume?.lastSeq ?? 0;
    this.#startedAt = options.resume?.startedAtMs ?? Date.now();
    for (const step of plan.steps) {
      this.#steps.set(step.id, step);
      const restored = restore?.get(step.id);
      const status = this.#scheduler.status(step.id) ?? 'pending';
      this.#results.set(step.id, {
        id: step.id,
        type: step.type,
        version: step.version,
        title: step.title,
        status,
        cached: status === 'cached',
        attempts: restored?.attempt ?? 0,
        durationMs: 0,
        metrics: {},
        outputs: this.#scheduler.outputs(step.id) ?? {},
      });
    }
  }

  async run(): Promise<RunResult> {
    const finished = new Promise<Exclude<RunStatus, 'running'>>((resolveRun) => {
      this.#finish = resolveRun;
    });
    const signal = this.#options.signal;
    const onAbort = () => this.#feed({ kind: 'cancel' });
    // Emitted before the first await, so that a caller sees the run going as soon as runPlan returns.
    const resume = this.#options.resume;
    this.#emit(
      resume === undefined
        ? { kind: 'run.started', pipeline: this.#plan.pipeline, stepCount: this.#plan.steps.length }
        : { kind: 'run.resumed', reason: resume.reason, reset: resume.reset },
    );
    // Workers elsewhere read the step they run from the stored plan: jobs carry identifiers only.
    if (this.#options.transport.readsStoredPlan === true) {
      this.#planSha256 = (await this.#options.store.put(canonicalJson(this.#plan))).sha256;
    }
    this.#feed({ kind: 'start' });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const status = await finished;
    signal?.removeEventListener('abort', onAbort);
    const durationMs = this.#elapsed();
    this.#emit({ kind: 'run.finished', status, durationMs });
    return {
      runId: this.#runId,
      pipeline: this.#plan.pipeline,
      status,
      durationMs,
      steps: [...this.#results.values()],
    };
  }

  #feed(input: SchedulerInput): void {
    for (const command of this.#scheduler.handle(input)) this.#apply(command);
  }

  #apply(command: SchedulerCommand): void {
    switch (command.kind) {
      case 'emit':
        this.#emit(command.event);
        break;
      case 'resolve':
        void this.#resolve(command.stepId);
        break;
      case 'dispatch':
        if (command.delayMs > 0) {
          const timer = setTimeout(() => {
            this.#retryTimers.delete(command.stepId);
            void this.#dispatch(command.stepId, command.attempt);
          }, command.delayMs);
          this.#retryTimers.set(command.stepId, { timer, attempt: command.attempt });
        } else {
          void this.#dispatch(command.stepId, command.attempt, command.redispatch === true);
        }
        break;
      case 'abort': {
        const waiting = this.#retryTimers.get(command.stepId);
        if (waiting !== undefined) {
          clearTimeout(waiting.timer);
          this.#retryTimers.delete(command.stepId);
          this.#feed({
            kind: 'attempt-failed',
            stepId: command.stepId,
            attempt: waiting.attempt,
            durationMs: 0,
            failure: { reason: 'cancelled', message: 'cancelled' },
            retryable: false,
          });
        }
        this.#controllers.get(command.stepId)?.abort();
        break;
      }
      case 'finished':
        this.#finish(command.status);
        break;
    }
  }

  /** Works out the step's content key and looks it up in the cache. */
  async #resolve(stepId: string): Promise<void> {
    const step = this.#steps.get(stepId) as PlanStep;
    const contentKey = await this.#contentKeyOf(step);
    if (step.cacheable && this.#options.noCache !== true && this.#options.forceSteps?.has(stepId) !== true) {
      const hit = await this.#options.cache.get(contentKey).catch(() => undefined);
      // A record that lacks one of the step's outputs cannot stand in for running it.
      if (hit !== undefined && Object.keys(step.outputs).every((port) => hit.outputs[port] !== undefined)) {
        this.#feed({
          kind: 'cache-hit',
          stepId,
          contentKey,
          outputs: hit.outputs,
          metrics: hit.metrics,
          fromRunId: hit.runId,
        });
        return;
      }
    }
    this.#feed({ kind: 'cache-miss', stepId });
  }

  async #contentKeyOf(step: PlanStep): Promise<string> {
    let contentKey = this.#contentKeys.get(step.id);
    if (contentKey !== undefined) return contentKey;
    try {
      contentKey = await this.#contentKey(step);
    } catch {
      // The fingerprint could not be taken (say, the input file is missing): run the step, which
      // reports the problem in its own words.
      contentKey = sha256(`${step.cacheKey}:unfingerprinted:${this.#runId}`);
    }
    this.#contentKeys.set(step.id, contentKey);
    return contentKey;
  }

  /**
   * The cache key refined by what actually arrived: the content hashes of the inputs and the node's
   * fingerprint of outside state. An upstream step that re-ran but produced the same bytes therefore
   * leaves this step cached.
   */
  async #contentKey(step: PlanStep): Promise<string> {
    const inputs = Object.keys(step.inputs)
      .sort()
      .map((port) => [
        port,
        (step.inputs[port] ?? []).map((ref) => this.#scheduler.outputs(ref.step)?.[ref.port]?.sha256 ?? null),
      ]);
    const definition = this.#options.registry.get(step.type, step.version)?.definition;
    let fingerprint: string | null = null;
    if (definition?.fingerprint !== undefined) {
      fingerprint =
        (await definition.fingerprint({
          params: structuredClone(step.params),
          resolvePath: (path) => resolveDocumentPath(this.#options, path),
          hashFile: async (path) => (await hashFile(path)).sha256,
          signal: this.#options.signal ?? new AbortController().signal,
        })) ?? null;
    }
    const identity = stepIdentity(step.type, step.version, step.implementationHash, step.params);
    return sha256(canonicalJson(['loom.content/1', identity, inputs, fingerprint]));
  }

  async #dispatch(stepId: string, attempt: number, redispatch = false): Promise<void> {
    const step = this.#steps.get(stepId) as PlanStep;
    const controller = new AbortController();
    this.#controllers.set(stepId, controller);
    const inputs: Record<string, OutputRecord[]> = {};
    for (const [port, refs] of Object.entries(step.inputs)) {
      inputs[port] = refs.map((ref) => this.#scheduler.outputs(ref.step)?.[ref.port] as OutputRecord);
    }
    const hooks: AttemptHooks = {
      started: () => this.#feed({ kind: 'attempt-started', stepId, attempt }),
      progress: (fraction, message) =>
        this.#emit(
          message === undefined
            ? { kind: 'step.progress', stepId, attempt, fraction }
            : { kind: 'step.progress', stepId, attempt, fraction, message },
        ),
      log: (level, message, fields) =>
        this.#emit(
          fields === undefined
            ? { kind: 'step.log', stepId, attempt, level, message }
            : { kind: 'step.log', stepId, attempt, level, message, fields },
        ),
      metric: (name, value, metricStep) =>
        this.#emit(
          metricStep === undefined
            ? { kind: 'step.metric', stepId, attempt, name, value }
            : { kind: 'step.metric', stepId, attempt, name, value, step: metricStep },
        ),
    };
    // A step restored in flight was resolved before the restart: its key is worked out again here.
    const contentKey = await this.#contentKeyOf(step);
    const outcome: AttemptOutcome = await this.#options.transport.run(
      {
        runId: this.#runId,
        step,
        attempt,
        inputs,
        contentKey,
        ...(this.#planSha256 === undefined ? {} : { planSha256: this.#planSha256 }),
        ...(redispatch ? { redispatch } : {}),
        signal: controller.signal,
      },
      hooks,
    );
    if (this.#controllers.get(stepId) === controller) this.#controllers.delete(stepId);
    if (outcome.ok) {
      if (step.cacheable) {
        await this.#options.cache
          .put(contentKey, {
            outputs: outcome.outputs,
            metrics: outcome.metrics,
            runId: this.#runId,
            stepId,
            durationMs: outcome.durationMs,
            createdAt: new Date().toISOString(),
          })
          .catch((cause: unknown) =>
            hooks.log(
              'warn',
              `could not record the result in the cache: ${cause instanceof Error ? cause.message : String(cause)}`,
            ),
          );
      }
      this.#feed({
        kind: 'attempt-succeeded',
        stepId,
        attempt,
        durationMs: outcome.durationMs,
        contentKey,
        outputs: outcome.outputs,
        metrics: outcome.metrics,
      });
    } else {
      if (outcome.failure.detail !== undefined) hooks.log('debug', outcome.failure.detail);
      this.#feed({
        kind: 'attempt-failed',
        stepId,
        attempt,
        durationMs: outcome.durationMs,
        failure: outcome.failure,
        retryable: outcome.retryable,
      });
    }
  }

  #emit(body: RunEventBody): void {
    const event = { ...body, runId: this.#runId, seq: ++this.#seq, at: new Date().toISOString() } as RunEvent;
    this.#record(event);
    this.#options.onEvent?.(event);
  }

  #record(event: RunEvent): void {
    if (!('stepId' in event)) return;
    const result = this.#results.get(event.stepId);
    if (result === undefined) return;
    switch (event.kind) {
      case 'step.queued':
        result.status = 'queued';
        result.attempts = event.attempt;
        result.metrics = {};
        break;
      case 'step.started':
        result.status = 'running';
        break;
      case 'step.succeeded':
        Object.assign(result, {
          status: 'succeeded',
          durationMs: event.durationMs,
          outputs: event.outputs,
          metrics: event.metrics,
          contentKey: event.contentKey,
        });
        break;
      case 'step.cached':
        Object.assign(result, {
          status: 'cached',
          cached: true,
          outputs: event.outputs,
          metrics: event.metrics,
          contentKey: event.contentKey,
        });
        break;
      case 'step.failed':
        Object.assign(result, { status: 'failed', durationMs: event.durationMs, failure: event.failure });
        break;
      case 'step.skipped':
        Object.assign(result, { status: 'skipped', skippedBecause: event.because });
        break;
      case 'step.cancelled':
        result.status = 'cancelled';
        break;
      case 'step.metric':
        // Kept as the attempt reports them, so a step that fails (a quality gate) still shows the
        // numbers it judged; a success replaces them with its outcome's, which are the same.
        result.metrics[event.name] = event.value;
        break;
      case 'step.progress':
      case 'step.log':
      case 'step.retrying':
        break;
    }
  }

  #elapsed(): number {
    return Date.now() - this.#startedAt;
  }
}
