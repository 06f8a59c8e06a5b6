/**
 * How ticks reach the trigger service: a timer over the SQLite store ({@link SqliteScheduler}), or
 * BullMQ job schedulers on Redis ({@link BullMqScheduler}). Either calls `onDue` when a schedule may
 * be due; the service then claims the tick in SQLite, which is what makes a tick fire once. A driver
 * says nothing of runs, and does not decide what was missed.
 */
export interface ScheduleDriver {
  readonly kind: 'sqlite' | 'bullmq';
  /** Begins delivering ticks, for the schedules stored now. */
  start(): Promise<void>;
  /** A schedule was created, edited, paused or resumed (in this process). */
  changed(id: string): Promise<void>;
  /** A schedule was deleted. */
  removed(id: string): Promise<void>;
  /** Stops delivering; a tick in progress finishes first. */
  close(): Promise<void>;
}

/** Told that schedule `id` may be due at `now` (epoch ms). */
export type OnDue = (id: string, now: number) => Promise<void>;
