import type { RunEvent } from '@loom/runtime';

/**
 * Collects run events and writes them in one transaction per turn of the event loop: a 5,000-step
 * fan-out makes tens of thousands of events, and one SQLite transaction each would dominate the run.
 * Listeners get events at once; only the store lags, by at most one turn, and `flush` closes the gap
 * for readers that must see everything (a reconnecting event stream, a shutdown).
 */
export class EventBatcher {
  readonly #write: (events: readonly RunEvent[]) => void;
  #pending: RunEvent[] = [];
  #scheduled = false;

  constructor(write: (events: readonly RunEvent[]) => void) {
    this.#write = write;
  }

  add(event: RunEvent): void {
    this.#pending.push(event);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const events = this.#pending;
    this.#pending = [];
    this.#write(events);
  }
}
