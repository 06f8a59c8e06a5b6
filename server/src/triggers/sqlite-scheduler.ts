import type { TriggerStore } from '../store/trigger-store.ts';
import type { OnDue, ScheduleDriver } from './schedule-driver.ts';

export interface SqliteSchedulerOptions {
  store: TriggerStore;
  onDue: OnDue;
  /** @default Date.now */
  now?: () => number;
  /**
   * The longest the timer sleeps before reading the store again, so that schedules another process
   * created or changed in the same file are seen. @default 30_000
   */
  pollMs?: number;
  /** Told of a tick that threw; the scheduler goes on. @default nothing */
  onError?(error: unknown, id: string): void;
}

/** setTimeout's longest delay (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ticks without Redis: one timer, set for the earliest next tick in the store (or `pollMs`, whichever
 * comes first). When it fires, every schedule due by then is handed to `onDue`, one after the other,
 * and the timer is set again. Several of these on one database file each wake for the same tick; the
 * claim in the store lets one of them fire it.
 *
 * @example
 * const scheduler = new SqliteScheduler({ store: store.triggers, onDue: (id, now) => service.tick(id, now) });
 * await scheduler.start();
 */
export class SqliteScheduler implements ScheduleDriver {
  readonly kind = 'sqlite';
  readonly #store: TriggerStore;
  readonly #onDue: OnDue;
  readonly #now: () => number;
  readonly #pollMs: number;
  readonly #onError: (error: unknown, id: string) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #started = false;
  #closed = false;

  constructor(options: SqliteSchedulerOptions) {
    this.#store = options.store;
    this.#onDue = options.onDue;
    this.#now = options.now ?? Date.now;
    this.#pollMs = Math.min(options.pollMs ?? 30_000, MAX_TIMER_MS);
    this.#onError = options.onError ?? (() => undefined);
  }

  async start(): Promise<void> {
    this.#started = true;
    // Ticks missed while no server ran are due now: accounted for at once, not at the first poll.
    await this.#wake();
  }

  async changed(): Promise<void> {
    this.#arm();
  }

  async removed(): Promise<void> {
    this.#arm();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Waits for the wake-up in progress, if any (tests). */
  async idle(): Promise<void> {
    await this.#running;
  }

  #arm(): void {
    if (!this.#started || this.#closed || this.#running !== undefined) return;
    clearTimeout(this.#timer);
    const earliest = this.#store.earliestTick();
    const delay = earliest === undefined ? this.#pollMs : Math.max(0, Math.min(earliest - this.#now(), this.#pollMs));
    this.#timer = setTimeout(() => void this.#wake(), delay);
    // A schedule alone keeps no process alive: the server's listening socket does that.
    this.#timer.unref();
  }

  #wake(): Promise<void> {
    if (this.#running !== undefined) return this.#running;
    const run = async () => {
      const now = this.#now();
      for (const id of this.#store.dueScheduleIds(now)) {
        if (this.#closed) return;
        try {
          await this.#onDue(id, now);
        } catch (error) {
          this.#onError(error, id);
        }
      }
    };
    this.#running = run().finally(() => {
      this.#running = undefined;
      this.#arm();
    });
    return this.#running;
  }
}
