import type { AttemptHooks, AttemptOutcome, AttemptRequest } from './execute-attempt.ts';
import type { StepTransport } from './inline-transport.ts';

interface Flight {
  subscribers: Set<AttemptHooks>;
  started: boolean;
  controller: AbortController;
  outcome: Promise<AttemptOutcome>;
}

/**
 * Computes identical steps once: while an attempt of a cacheable step runs, another run asking for
 * the same content key joins it instead of running the step a second time, and both get its outcome
 * and its reports. Cancelling one run detaches only that run; the shared attempt is stopped when every
 * run waiting on it has cancelled. Deliberately left out: sharing across server processes (the step
 * cache covers results that already finished).
 */
export class SharedAttemptTransport implements StepTransport {
  readonly #inner: StepTransport;
  readonly #flights = new Map<string, Flight>();

  constructor(inner: StepTransport) {
    this.#inner = inner;
  }

  get readsStoredPlan(): boolean {
    return this.#inner.readsStoredPlan === true;
  }

  /** Attempts now shared by more than one run, for tests and metrics. */
  get sharedCount(): number {
    let count = 0;
    for (const flight of this.#flights.values()) if (flight.subscribers.size > 1) count += 1;
    return count;
  }

  run(request: AttemptRequest, hooks: AttemptHooks): Promise<AttemptOutcome> {
    if (!request.step.cacheable) return this.#inner.run(request, hooks);
    const flight = this.#flights.get(request.contentKey) ?? this.#launch(request);
    return this.#join(flight, request.signal, hooks);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  #launch(request: AttemptRequest): Flight {
    const controller = new AbortController();
    const subscribers = new Set<AttemptHooks>();
    const flight: Flight = { subscribers, started: false, controller, outcome: Promise.resolve(undefined as never) };
    const fanOut: AttemptHooks = {
      started: () => {
        flight.started = true;
        for (const hooks of subscribers) hooks.started();
      },
      progress: (fraction, message) => {
        for (const hooks of subscribers) hooks.progress(fraction, message);
      },
      log: (level, message, fields) => {
        for (const hooks of subscribers) hooks.log(level, message, fields);
      },
      metric: (name, value, step) => {
        for (const hooks of subscribers) hooks.metric(name, value, step);
      },
    };
    flight.outcome = this.#inner.run({ ...request, signal: controller.signal }, fanOut).finally(() => {
      if (this.#flights.get(request.contentKey) === flight) this.#flights.delete(request.contentKey);
    });
    this.#flights.set(request.contentKey, flight);
    return flight;
  }

  #join(flight: Flight, signal: AbortSignal, hooks: AttemptHooks): Promise<AttemptOutcome> {
    flight.subscribers.add(hooks);
    if (flight.started) hooks.started();
    return new Promise<AttemptOutcome>((resolveOutcome) => {
      const onAbort = () => {
        flight.subscribers.delete(hooks);
        if (flight.subscribers.size === 0) flight.controller.abort();
        resolveOutcome({
          ok: false,
          durationMs: 0,
          failure: { reason: 'cancelled', message: 'cancelled' },
          retryable: false,
        });
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      void flight.outcome.then((outcome) => {
        signal.removeEventListener('abort', onAbort);
        flight.subscribers.delete(hooks);
        resolveOutcome(outcome);
      });
    });
  }
}
