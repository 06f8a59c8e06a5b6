import { availableParallelism } from 'node:os';
import {
  type AttemptEnvironment,
  type AttemptHooks,
  type AttemptOutcome,
  type AttemptRequest,
  executeAttempt,
} from './execute-attempt.ts';

/**
 * Carries attempts from the run driver to whatever executes them. Implementations: inline (this
 * process), step-runner processes on this machine (`ProcessTransport`) and BullMQ (workers anywhere). `run` never rejects: every way an attempt
 * can end is an {@link AttemptOutcome}.
 */
export interface StepTransport {
  /**
   * Whether its attempts are run from the stored plan (by `AttemptRequest.planSha256`), as workers on
   * other machines are: only then does the driver store the plan. @default false
   */
  readonly readsStoredPlan?: boolean;
  run(request: AttemptRequest, hooks: AttemptHooks): Promise<AttemptOutcome>;
  close(): Promise<void>;
}

export interface InlineTransportOptions {
  environment: AttemptEnvironment;
  /** Attempts running at once; the rest wait in order. @default os.availableParallelism() */
  concurrency?: number;
}

/**
 * Runs attempts in this process, at most `concurrency` at a time: for tests and benchmarks whose nodes
 * live in memory. Deliberately left out: isolation. A node that ignores its abort signal keeps its
 * promise alive after its step timed out, and one that crashes takes this process with it; `loom start`
 * and `loom run` use `ProcessTransport` instead.
 */
export class InlineTransport implements StepTransport {
  readonly #environment: AttemptEnvironment;
  readonly #concurrency: number;
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(options: InlineTransportOptions) {
    this.#environment = options.environment;
    this.#concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  }

  async run(request: AttemptRequest, hooks: AttemptHooks): Promise<AttemptOutcome> {
    await this.#acquire(request.signal);
    try {
      return await executeAttempt(request, hooks, this.#environment);
    } finally {
      this.#release();
    }
  }

  async close(): Promise<void> {}

  #acquire(signal: AbortSignal): Promise<void> {
    if (this.#running < this.#concurrency) {
      this.#running += 1;
      return Promise.resolve();
    }
    return new Promise((resolveSlot) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        this.#running += 1;
        resolveSlot();
      };
      // A cancelled attempt leaves the line at once; executeAttempt then sees the aborted signal.
      const onAbort = () => {
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) this.#waiting.splice(index, 1);
        this.#running += 1;
        resolveSlot();
      };
      this.#waiting.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  #release(): void {
    this.#running -= 1;
    const next = this.#waiting.shift();
    if (next !== undefined) next();
  }
}
