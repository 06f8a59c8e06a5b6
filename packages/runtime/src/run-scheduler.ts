import type { Plan, PlanStep } from '@loom/compiler';
import type { OutputRecord } from './output-record.ts';
import type { RunEventBody, RunStatus, StepStatus } from './run-events.ts';

/** The fields of one kind of run event, without its `kind`. */
type EventFields<K extends RunEventBody['kind']> = Omit<Extract<RunEventBody, { kind: K }>, 'kind'>;

/**
 * What happened, as told to the scheduler by whoever drives it. Replies about a step carry the same
 * fields as the events they turn into.
 */
export type SchedulerInput =
  | { kind: 'start' }
  | ({ kind: 'cache-hit' } & EventFields<'step.cached'>)
  | { kind: 'cache-miss'; stepId: string }
  | { kind: 'attempt-started'; stepId: string; attempt: number }
  | ({ kind: 'attempt-succeeded' } & EventFields<'step.succeeded'>)
  | ({ kind: 'attempt-failed'; retryable: boolean } & EventFields<'step.failed'>)
  | { kind: 'cancel' };

/** What the scheduler asks its driver to do, in order. */
export type SchedulerCommand =
  /** Decide whether the step's result is cached (reply `cache-hit` or `cache-miss`). */
  | { kind: 'resolve'; stepId: string }
  /**
   * Run an attempt, after `delayMs` (a retry's backoff). `redispatch`: the attempt was in flight when
   * the run was restored, and is sent again under the same number.
   */
  | { kind: 'dispatch'; stepId: string; attempt: number; delayMs: number; redispatch?: true }
  /** Stop a queued or running attempt: the run was cancelled. */
  | { kind: 'abort'; stepId: string }
  | { kind: 'emit'; event: RunEventBody }
  | { kind: 'finished'; status: Exclude<RunStatus, 'running'> };

interface StepState {
  step: PlanStep;
  status: StepStatus;
  /** Set while the driver decides on the cache, before the step is queued. */
  resolving: boolean;
  attempt: number;
  waitingOn: number;
  dependents: string[];
  outputs?: Record<string, OutputRecord>;
}

/** Where a step stood when its run stopped: what a resumed or restarted run starts from. */
export interface RestoredStep {
  status: StepStatus;
  /** Attempts made so far; the next attempt gets the next number. */
  attempt: number;
  /** Required for `succeeded` and `cached`: what its dependents read. */
  outputs?: Record<string, OutputRecord>;
}

export interface RunSchedulerOptions {
  /**
   * Steps as they stood when the run stopped (a resume, or the driving process restarted). Succeeded
   * and cached steps count as done; failed, skipped and cancelled ones stay so; `queued` and `running`
   * ones are in flight: `start` dispatches the same attempt again, which a queue that dedupes by
   * attempt joins instead of running twice; `pending` ones wait as usual. Steps not listed are pending.
   */
  restore?: ReadonlyMap<string, RestoredStep>;
}

/**
 * The run's state machine: which steps are pending, queued, running or done, and what must happen
 * next. Pure: no clock, no I/O, no promises. The same inputs give the same commands, which is what
 * lets one test suite drive it and lets any transport (inline, BullMQ) sit behind the same driver.
 */
export class RunScheduler {
  readonly #steps = new Map<string, StepState>();
  readonly #order: string[];
  #cancelled = false;
  #finished = false;
  #started = false;
  /** Steps not yet in a final state; with the two counts below, it decides the run's end in O(1). */
  #open = 0;
  #failedCount = 0;
  #cancelledCount = 0;

  constructor(plan: Plan, options: RunSchedulerOptions = {}) {
    this.#order = plan.steps.map((s) => s.id);
    for (const step of plan.steps) {
      this.#steps.set(step.id, {
        step,
        status: 'pending',
        resolving: false,
        attempt: 0,
        waitingOn: step.dependsOn.length,
        dependents: [],
      });
      this.#open += 1;
    }
    for (const step of plan.steps) {
      for (const dependency of step.dependsOn) this.#steps.get(dependency)?.dependents.push(step.id);
    }
    for (const [stepId, restored] of options.restore ?? []) {
      const state = this.#steps.get(stepId);
      if (state === undefined) continue;
      state.attempt = restored.attempt;
      const done = restored.status === 'succeeded' || restored.status === 'cached';
      // A done step without outputs cannot feed its dependents: it runs again.
      if (done && restored.outputs === undefined) continue;
      this.#setStatus(state, restored.status);
      if (restored.outputs !== undefined) state.outputs = restored.outputs;
    }
    for (const state of this.#steps.values()) {
      state.waitingOn = state.step.dependsOn.filter((d) => !isDone(this.#steps.get(d)?.status)).length;
    }
  }

  status(stepId: string): StepStatus | undefined {
    return this.#steps.get(stepId)?.status;
  }

  /** Outputs of a finished (succeeded or cached) step. */
  outputs(stepId: string): Record<string, OutputRecord> | undefined {
    return this.#steps.get(stepId)?.outputs;
  }

  get finished(): boolean {
    return this.#finished;
  }

  handle(input: SchedulerInput): SchedulerCommand[] {
    if (this.#finished) return [];
    const commands: SchedulerCommand[] = [];
    switch (input.kind) {
      case 'start': {
        if (this.#started) return [];
        this.#started = true;
        for (const id of this.#order) {
          const state = this.#steps.get(id) as StepState;
          if (state.status === 'pending' && state.waitingOn === 0) this.#resolve(state, commands);
          else if (state.status === 'queued' || state.status === 'running')
            commands.push({ kind: 'dispatch', stepId: id, attempt: state.attempt, delayMs: 0, redispatch: true });
        }
        break;
      }
      case 'cache-hit': {
        const state = this.#active(input.stepId, (s) => s.status === 'pending' && s.resolving);
        if (state === undefined) break;
        state.resolving = false;
        this.#setStatus(state, 'cached');
        state.outputs = input.outputs;
        const { kind: _reply, ...fields } = input;
        commands.push({ kind: 'emit', event: { kind: 'step.cached', ...fields } });
        this.#release(state, commands);
        break;
      }
      case 'cache-miss': {
        const state = this.#active(input.stepId, (s) => s.status === 'pending' && s.resolving);
        if (state === undefined) break;
        state.resolving = false;
        this.#queue(state, 0, commands);
        break;
      }
      case 'attempt-started': {
        const state = this.#active(input.stepId, (s) => s.status === 'queued' && s.attempt === input.attempt);
        if (state === undefined) break;
        this.#setStatus(state, 'running');
        commands.push({ kind: 'emit', event: { kind: 'step.started', stepId: state.step.id, attempt: input.attempt } });
        break;
      }
      case 'attempt-succeeded': {
        const state = this.#active(
          input.stepId,
          (s) => (s.status === 'running' || s.status === 'queued') && s.attempt === input.attempt,
        );
        if (state === undefined) break;
        this.#setStatus(state, 'succeeded');
        state.outputs = input.outputs;
        const { kind: _reply, ...fields } = input;
        commands.push({ kind: 'emit', event: { kind: 'step.succeeded', ...fields } });
        this.#release(state, commands);
        break;
      }
      case 'attempt-failed': {
        const state = this.#steps.get(input.stepId);
        if (state === undefined || state.attempt !== input.attempt) break;
        if (this.#cancelled || input.failure.reason === 'cancelled') {
          if (state.status === 'queued' || state.status === 'running') {
            this.#setStatus(state, 'cancelled');
            commands.push({ kind: 'emit', event: { kind: 'step.cancelled', stepId: state.step.id } });
            // Without a run-wide cancel its dependents are still pending and would keep the run open forever.
            this.#skipDependents(state, state.step.id, commands);
          }
          break;
        }
        if (state.status !== 'running' && state.status !== 'queued') break;
        const policy = state.step.retry;
        if (input.retryable && input.attempt <= policy.retries) {
          const delayMs = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (input.attempt - 1));
          commands.push({
            kind: 'emit',
            event: {
              kind: 'step.retrying',
              stepId: state.step.id,
              attempt: input.attempt,
              failure: input.failure,
              delayMs,
            },
          });
          this.#queue(state, delayMs, commands);
          break;
        }
        this.#setStatus(state, 'failed');
        commands.push({
          kind: 'emit',
          event: {
            kind: 'step.failed',
            stepId: state.step.id,
            attempt: input.attempt,
            durationMs: input.durationMs,
            failure: input.failure,
          },
        });
        this.#skipDependents(state, state.step.id, commands);
        break;
      }
      case 'cancel': {
        if (this.#cancelled) break;
        this.#cancelled = true;
        for (const id of this.#order) {
          const state = this.#steps.get(id) as StepState;
          if (state.status === 'queued' || state.status === 'running') {
            commands.push({ kind: 'abort', stepId: id });
          } else if (state.status === 'pending') {
            this.#setStatus(state, 'cancelled');
            state.resolving = false;
            commands.push({ kind: 'emit', event: { kind: 'step.cancelled', stepId: id } });
          }
        }
        break;
      }
    }
    this.#finishIfDone(commands);
    return commands;
  }

  #active(stepId: string, expected: (state: StepState) => boolean): StepState | undefined {
    const state = this.#steps.get(stepId);
    // Replies that arrive after a cancellation, or for an attempt that is no longer current, change nothing.
    return state !== undefined && expected(state) ? state : undefined;
  }

  #resolve(state: StepState, commands: SchedulerCommand[]): void {
    state.resolving = true;
    commands.push({ kind: 'resolve', stepId: state.step.id });
  }

  #queue(state: StepState, delayMs: number, commands: SchedulerCommand[]): void {
    this.#setStatus(state, 'queued');
    state.attempt += 1;
    commands.push({ kind: 'emit', event: { kind: 'step.queued', stepId: state.step.id, attempt: state.attempt } });
    commands.push({ kind: 'dispatch', stepId: state.step.id, attempt: state.attempt, delayMs });
  }

  #release(state: StepState, commands: SchedulerCommand[]): void {
    if (this.#cancelled) return;
    for (const id of state.dependents) {
      const dependent = this.#steps.get(id) as StepState;
      dependent.waitingOn -= 1;
      if (dependent.waitingOn === 0 && dependent.status === 'pending') this.#resolve(dependent, commands);
    }
  }

  #skipDependents(state: StepState, because: string, commands: SchedulerCommand[]): void {
    const stack = [...state.dependents];
    while (stack.length > 0) {
      const dependent = this.#steps.get(stack.pop() as string) as StepState;
      if (dependent.status !== 'pending') continue;
      this.#setStatus(dependent, 'skipped');
      commands.push({ kind: 'emit', event: { kind: 'step.skipped', stepId: dependent.step.id, because } });
      stack.push(...dependent.dependents);
    }
  }

  #setStatus(state: StepState, status: StepStatus): void {
    const wasFinal = isFinal(state.status);
    state.status = status;
    if (wasFinal || !isFinal(status)) return;
    this.#open -= 1;
    if (status === 'failed' || status === 'skipped') this.#failedCount += 1;
    if (status === 'cancelled') this.#cancelledCount += 1;
  }

  #finishIfDone(commands: SchedulerCommand[]): void {
    if (this.#finished || !this.#started || this.#open > 0) return;
    this.#finished = true;
    const status =
      this.#cancelledCount > 0 || this.#cancelled ? 'cancelled' : this.#failedCount > 0 ? 'failed' : 'succeeded';
    commands.push({ kind: 'finished', status });
  }
}

function isDone(status: StepStatus | undefined): boolean {
  return status === 'succeeded' || status === 'cached';
}

function isFinal(status: StepStatus): boolean {
  return status !== 'pending' && status !== 'queued' && status !== 'running';
}
