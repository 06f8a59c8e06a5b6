import { closeRedis, openRedis, type RedisConnection } from '@loom/runtime';
import { type Job, Queue, Worker } from 'bullmq';
import type { TriggerStore } from '../store/trigger-store.ts';
import type { OnDue, ScheduleDriver } from './schedule-driver.ts';

/** The queue schedule ticks go through, beside the step queues (`loom-cpu`, …) under the same prefix. */
export const TRIGGER_QUEUE = 'loom-triggers';

/** What a tick job carries: the trigger's id, nothing else (the trigger itself is in the store). */
interface TickJobData {
  triggerId: string;
}

export interface BullMqSchedulerOptions {
  store: TriggerStore;
  onDue: OnDue;
  connection: RedisConnection;
  /** The BullMQ key prefix, as the step queues'. @default 'loom' */
  prefix?: string;
  /** Told of a schedule that could not be set in Redis, or a tick that threw. @default nothing */
  onError?(error: unknown, id: string): void;
  /** How long a change waits for Redis before the reply goes without it (it is set once Redis is back). @default 3000 */
  syncWaitMs?: number;
}

/**
 * Ticks with Redis: a BullMQ job scheduler per active schedule (its id is the trigger's id, its pattern
 * and time zone the schedule's), on a queue of its own, and a BullMQ worker here that hands each tick
 * job to `onDue`. Every server upserts the same schedulers, so there is one job per tick however many
 * servers run, and one worker takes it; the claim in SQLite then fires the tick once even if a job
 * were delivered twice, and finds what was missed while no server ran.
 *
 * Redis being down delays changes, not replies: a change that Redis does not take within `syncWaitMs`
 * is set again, with every other schedule, when Redis is back.
 */
export class BullMqScheduler implements ScheduleDriver {
  readonly kind = 'bullmq';
  readonly #store: TriggerStore;
  readonly #onDue: OnDue;
  readonly #onError: (error: unknown, id: string) => void;
  readonly #syncWaitMs: number;
  readonly #queueConnection;
  readonly #workerConnection;
  readonly #queue: Queue<TickJobData>;
  readonly #worker: Worker<TickJobData>;
  #wasDown = false;

  constructor(options: BullMqSchedulerOptions) {
    this.#store = options.store;
    this.#onDue = options.onDue;
    this.#onError = options.onError ?? (() => undefined);
    this.#syncWaitMs = options.syncWaitMs ?? 3000;
    const prefix = options.prefix ?? 'loom';
    this.#queueConnection = openRedis(options.connection);
    this.#queueConnection.on('error', () => undefined);
    this.#queueConnection.on('close', () => {
      this.#wasDown = true;
    });
    this.#queueConnection.on('ready', () => {
      if (!this.#wasDown) return;
      this.#wasDown = false;
      void this.#syncAll();
    });
    this.#queue = new Queue<TickJobData>(TRIGGER_QUEUE, { connection: this.#queueConnection, prefix });
    this.#queue.on('error', () => undefined);
    // A worker blocks its connection waiting for jobs: it needs one of its own.
    this.#workerConnection = openRedis(options.connection);
    this.#workerConnection.on('error', () => undefined);
    this.#worker = new Worker<TickJobData>(TRIGGER_QUEUE, (job) => this.#process(job), {
      connection: this.#workerConnection,
      prefix,
      concurrency: 4,
      autorun: false,
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600, count: 1000 },
    });
    this.#worker.on('error', () => undefined);
  }

  async start(): Promise<void> {
    // Ticks that fell while no server ran: reported now, from the store, whatever Redis still holds.
    const now = Date.now();
    for (const id of this.#store.dueScheduleIds(now)) {
      await this.#onDue(id, now).catch((error: unknown) => this.#onError(error, id));
    }
    await this.#withinWait(this.#syncAll(), 'start');
    void this.#worker.run().catch((error: unknown) => this.#onError(error, 'worker'));
  }

  async changed(id: string): Promise<void> {
    await this.#withinWait(this.#sync(id), id);
  }

  async removed(id: string): Promise<void> {
    await this.#withinWait(
      this.#queue.removeJobScheduler(id).then(() => undefined),
      id,
    );
  }

  async close(): Promise<void> {
    await this.#worker.close();
    await this.#queue.close();
    await closeRedis(this.#workerConnection);
    await closeRedis(this.#queueConnection);
  }

  /** The scheduler BullMQ holds for a trigger, if any (tests). */
  async jobScheduler(id: string): Promise<{ pattern?: string | null; tz?: string | null } | undefined> {
    return (await this.#queue.getJobScheduler(id)) ?? undefined;
  }

  async #process(job: Job<TickJobData>): Promise<void> {
    const { triggerId } = job.data;
    if (this.#store.schedule(triggerId) === undefined) {
      // Its trigger went (deleted with its pipeline, say) without this scheduler being told.
      await this.#queue.removeJobScheduler(triggerId);
      return;
    }
    // The job stands for the tick it was made for: a clock a little behind BullMQ's still finds it due.
    await this.#onDue(triggerId, Math.max(Date.now(), job.opts.prevMillis ?? 0));
  }

  async #syncAll(): Promise<void> {
    for (const schedule of this.#store.schedules()) await this.#sync(schedule.id);
  }

  async #sync(id: string): Promise<void> {
    const schedule = this.#store.schedule(id);
    if (schedule === undefined || schedule.paused) {
      await this.#queue.removeJobScheduler(id);
      return;
    }
    await this.#queue.upsertJobScheduler(
      id,
      { pattern: schedule.cron, tz: schedule.timezone },
      { name: 'tick', data: { triggerId: id } },
    );
  }

  /** Waits for a Redis change up to `syncWaitMs`; past that it goes on alone and reports its failure. */
  async #withinWait(change: Promise<void>, id: string): Promise<void> {
    const settled = change.catch((error: unknown) => this.#onError(error, id));
    await Promise.race([settled, new Promise((resolveLater) => setTimeout(resolveLater, this.#syncWaitMs).unref())]);
  }
}
