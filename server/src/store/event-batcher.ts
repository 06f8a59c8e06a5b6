import type { RunEvent } from '@loom/runtime';

/** How long events wait to be written together. */
const FLUSH_DELAY_MS = 10;

/**
 * Collects run events and writes them in one transaction every few milliseconds: a 5,000-step
 * fan-out makes tens of thousands of events, and one SQLite transaction each would dominate the run;
 * writing after a short timer (not on the next turn) also keeps the write off the path from one
 * step's end to the next step's dispatch. Listeners get events at once; only the store lags, by at
 * most the delay, and `flush` closes the gap for readers that must see everything (a reconnecting
 * event stream, a reply that must show the run's new state, a shutdown).
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
    setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const events = this.#pending;
    this.#pending = [];
    this.#write(events);
  }
}
