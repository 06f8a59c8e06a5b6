import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ArtifactStore } from '../artifact-store.ts';
import { cancelledOutcome, errorMessage, errorOutcome, formatMs, timeoutOutcome } from '../attempt-outcomes.ts';
import type { AttemptHooks, AttemptOutcome, AttemptRequest } from '../execute-attempt.ts';
import type { StepTransport } from '../inline-transport.ts';
import { inspectJob, type QueueDepths, readQueueDepths, type StepQueue, WorkerPresence } from './queue-inspection.ts';
import {
  BACKENDS,
  type Backend,
  CANCELLED_TTL_SECONDS,
  cancelChannel,
  cancelledKey,
  DEFAULT_PREFIX,
  queueName,
  type StepJobData,
  stepJobId,
} from './queue-names.ts';
import { closeRedis, openRedis, type RedisConnection, sleep } from './redis-connection.ts';
import { ReportConsumer, type StepReport } from './reports.ts';

export interface BullMqTransportOptions {
  /** Redis URL or ioredis options. */
  connection: RedisConnection;
  /** BullMQ key prefix; queues, the report stream and the cancel channel live under it. @default 'loom' */
  prefix?: string;
  /** Where the driver stored the plan; checked once per plan before its steps are queued. */
  store: ArtifactStore;
  /** How long a worker may take to stop a cancelled or timed-out step; match the workers'. @default 5000 */
  killGraceMs?: number;
  /** The workers' BullMQ lock duration; bounds how long a started step may go without an outcome. @default 6000 */
  lockDurationMs?: number;
  /** Name in the report consumer group; keep it stable across restarts. @default 'server' */
  consumer?: string;
  /** Told when the connection to Redis goes down or comes back (`true` on the first connection too). */
  onRedisState?(up: boolean): void;
}

interface Pending {
  jobId: string;
  backend: Backend;
  request: AttemptRequest;
  hooks: AttemptHooks;
  promise: Promise<AttemptOutcome>;
  resolve(outcome: AttemptOutcome): void;
  onAbort(): void;
  /** When the job was queued (or last found waiting with workers about); undefined while being added. */
  enqueuedAt?: number;
  /** When a worker last reported taking it. */
  startedAt?: number;
  hookStarted: boolean;
  cancelling: boolean;
  settled: boolean;
  timer?: NodeJS.Timeout;
}

const KEEP_JOBS = { age: 3600, count: 20_000 };

/** How long `start` waits for Redis before the server goes on without it. */
const START_WAIT_MS = 3000;

/**
 * Runs attempts on BullMQ workers: one queue per backend, jobs that carry identifiers only, reports
 * back through one Redis stream (see {@link ReportConsumer}). Adding an attempt whose job id exists
 * (a restarted server re-dispatching an in-flight attempt) attaches to that job instead of running it
 * twice. Watchdogs turn a missing worker or a silent one into a clear failure. While Redis is down,
 * attempts wait for it; `run` never rejects.
 *
 * Deliberately left out: retries (the scheduler's), priorities, and claiming reports delivered to
 * another consumer name.
 *
 * @example
 * const transport = new BullMqTransport({ connection: 'redis://localhost:6379', store });
 * await transport.start();
 */
export class BullMqTransport implements StepTransport {
  readonly readsStoredPlan = true;
  readonly #prefix: string;
  readonly #store: ArtifactStore;
  readonly #killGraceMs: number;
  readonly #lockDurationMs: number;
  readonly #onRedisState: ((up: boolean) => void) | undefined;
  readonly #redis: Redis;
  readonly #queues: Record<Backend, StepQueue>;
  readonly #workers: WorkerPresence;
  readonly #consumer: ReportConsumer;
  readonly #pending = new Map<string, Pending>();
  /** Whether each plan is in the artifact store, asked once per plan however many steps it has. */
  readonly #knownPlans = new Map<string, Promise<boolean>>();
  #batch: Pending[] = [];
  #flushScheduled = false;
  #closed = false;
  #redisUp = false;
  /** Watchdogs count from here at the earliest: reports cannot arrive while Redis is down. */
  #upSince = Date.now();

  constructor(options: BullMqTransportOptions) {
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#store = options.store;
    this.#killGraceMs = options.killGraceMs ?? 5000;
    this.#lockDurationMs = options.lockDurationMs ?? 6000;
    this.#onRedisState = options.onRedisState;
    this.#redis = openRedis(options.connection);
    this.#redis.on('error', () => undefined);
    this.#redis.on('ready', () => this.#setRedisUp(true));
    this.#redis.on('close', () => this.#setRedisUp(false));
    const queue = (backend: Backend) =>
      new Queue<StepJobData, AttemptOutcome>(queueName(backend), { connection: this.#redis, prefix: this.#prefix });
    this.#queues = { cpu: queue('cpu'), gpu: queue('gpu'), kubernetes: queue('kubernetes') };
    for (const backend of BACKENDS) this.#queues[backend].on('error', () => undefined);
    this.#workers = new WorkerPresence(this.#queues);
    const consumerOptions = {
      connection: options.connection,
      prefix: this.#prefix,
      onReports: (reports: StepReport[]) => this.#onReports(reports),
    };
    this.#consumer = new ReportConsumer(
      options.consumer === undefined ? consumerOptions : { ...consumerOptions, consumer: options.consumer },
    );
  }

  /** Whether the connection to Redis is up now. */
  get redisUp(): boolean {
    return this.#redisUp;
  }

  /** Begins consuming reports; call it once the attempts in flight before a restart are registered again. */
  async start(): Promise<void> {
    this.#consumer.start();
    // A server that starts while Redis answers reports it up from its first request; one that starts
    // during an outage still starts (and says Redis is down) after this short wait.
    if (this.#redisUp) return;
    await new Promise<void>((resolveReady) => {
      const timer = setTimeout(done, START_WAIT_MS);
      const redis = this.#redis;
      function done() {
        clearTimeout(timer);
        redis.off('ready', done);
        resolveReady();
      }
      redis.once('ready', done);
    });
  }

  run(request: AttemptRequest, hooks: AttemptHooks): Promise<AttemptOutcome> {
    if (request.planSha256 === undefined) {
      return Promise.resolve(
        errorOutcome(
          'BullMqTransport needs request.planSha256: store the plan with store.put(canonicalJson(plan))',
          false,
        ),
      );
    }
    let jobId: string;
    try {
      jobId = stepJobId(request.runId, request.step.id, request.attempt);
    } catch (cause) {
      return Promise.resolve(errorOutcome(errorMessage(cause), false));
    }
    // The same attempt dispatched twice in this process: one job, one outcome (the first hooks hear it).
    const existing = this.#pending.get(jobId);
    if (existing !== undefined) return existing.promise;
    if (this.#closed) return Promise.resolve(errorOutcome('the BullMQ transport is closed', true));
    if (request.signal.aborted) return Promise.resolve(cancelledOutcome(0));
    let resolve!: (outcome: AttemptOutcome) => void;
    const promise = new Promise<AttemptOutcome>((resolvePromise) => {
      resolve = resolvePromise;
    });
    const pending: Pending = {
      jobId,
      backend: request.step.backend,
      request,
      hooks,
      promise,
      resolve,
      onAbort: () => void this.#cancel(pending),
      hookStarted: false,
      cancelling: false,
      settled: false,
    };
    this.#pending.set(jobId, pending);
    request.signal.addEventListener('abort', pending.onAbort, { once: true });
    this.#enqueue(pending);
    return promise;
  }

  /** Jobs per backend queue (`waiting` includes prioritized ones). */
  queueDepths(): Promise<QueueDepths> {
    return readQueueDepths(this.#queues);
  }

  /**
   * Stops consuming reports and closes the connections. Attempts in flight stay unresolved: their jobs
   * go on on the workers, and a restarted server registers them again to collect their outcomes.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.request.signal.removeEventListener('abort', pending.onAbort);
    }
    await this.#consumer.close();
    await Promise.all(BACKENDS.map((backend) => this.#queues[backend].close().catch(() => undefined)));
    await closeRedis(this.#redis);
  }

  #setRedisUp(up: boolean): void {
    if (up === this.#redisUp) return;
    this.#redisUp = up;
    if (up) this.#upSince = Date.now();
    this.#onRedisState?.(up);
  }

  /**
   * The first add of a turn goes to Redis at once (a chain's next step waits for nothing); the adds
   * after it in the same turn go together when the turn ends, one `addBulk` per backend (a fan-out).
   */
  #enqueue(pending: Pending): void {
    if (this.#flushScheduled) {
      this.#batch.push(pending);
      return;
    }
    this.#flushScheduled = true;
    void this.#add(pending.backend, [pending]);
    setImmediate(() => {
      this.#flushScheduled = false;
      const byBackend = new Map<Backend, Pending[]>();
      for (const item of this.#batch.splice(0)) {
        if (item.settled) continue;
        const list = byBackend.get(item.backend) ?? [];
        list.push(item);
        byBackend.set(item.backend, list);
      }
      for (const [backend, items] of byBackend) void this.#add(backend, items);
    });
  }

  async #add(backend: Backend, items: Pending[]): Promise<void> {
    const ready = (await Promise.all(items.map((item) => this.#checkPlan(item)))).filter((item) => item !== undefined);
    if (ready.length === 0) return;
    const jobs = ready.map((item) => ({
      name: item.request.step.id,
      data: jobData(item),
      opts: { jobId: item.jobId, attempts: 1, removeOnComplete: KEEP_JOBS, removeOnFail: KEEP_JOBS },
    }));
    // Commands wait out a Redis outage by themselves; anything else is retried with backoff.
    for (let backoffMs = 100; !this.#closed; backoffMs = Math.min(backoffMs * 2, 2000)) {
      try {
        // One job (a chain) is cheaper as a plain add than as a bulk of one.
        const [single] = jobs;
        if (jobs.length === 1 && single !== undefined)
          await this.#queues[backend].add(single.name, single.data, single.opts);
        else await this.#queues[backend].addBulk(jobs);
        break;
      } catch {
        await sleep(backoffMs);
      }
    }
    const now = Date.now();
    for (const item of ready) item.enqueuedAt = now;
    // Looked at now: an attempt dispatched again after a restart (its job may be there already,
    // running, or finished with its report lost) and one cancelled while its add was under way
    // (#cancel leaves it to this). A fresh job cannot be finished yet; its watchdog looks at it if it
    // stays silent. Checking every fresh job cost a fan-out several Redis round trips per step.
    for (const item of ready) {
      if (item.request.redispatch === true || item.request.signal.aborted) void this.#reconcile(item);
      else this.#arm(item);
    }
  }

  async #checkPlan(item: Pending): Promise<Pending | undefined> {
    const sha = item.request.planSha256 ?? '';
    let known = this.#knownPlans.get(sha);
    if (known === undefined) {
      known = this.#store.has(sha).catch(() => false);
      this.#knownPlans.set(sha, known);
    }
    if (await known) return item;
    // Asked again next time: the blob may arrive (or the disk recover) before the next attempt.
    this.#knownPlans.delete(sha);
    this.#settle(item, errorOutcome(`the run's plan (${sha}) is not in the artifact store the workers read`, false));
    return undefined;
  }

  /** Looks at the job in Redis and acts on what it finds; then (re)arms the watchdog. */
  async #reconcile(item: Pending): Promise<void> {
    if (item.settled || this.#closed) return;
    if (item.request.signal.aborted && !item.cancelling) {
      await this.#cancel(item);
      return;
    }
    try {
      const verdict = await inspectJob(this.#queues[item.backend], item.jobId);
      if (item.settled) return;
      if (verdict.kind === 'finished') {
        this.#settle(item, verdict.outcome);
        return;
      }
      if (verdict.kind === 'missing') {
        // Gone from Redis (a restart without persistence): queue it again.
        delete item.enqueuedAt;
        delete item.startedAt;
        this.#enqueue(item);
        return;
      }
      if (verdict.kind === 'active') item.startedAt ??= Date.now();
    } catch {
      // Checked again when the watchdog fires.
    }
    this.#arm(item);
  }

  #arm(item: Pending): void {
    clearTimeout(item.timer);
    if (item.settled || item.cancelling || item.enqueuedAt === undefined || this.#closed) return;
    const from = Math.max(item.startedAt ?? item.enqueuedAt, this.#upSince);
    const due = from + this.#limit(item) - Date.now();
    item.timer = setTimeout(() => void this.#onWatchdog(item), Math.max(0, due));
  }

  #limit(item: Pending): number {
    const { timeoutMs } = item.request.step;
    return item.startedAt === undefined ? timeoutMs : timeoutMs + 2 * this.#lockDurationMs + this.#killGraceMs;
  }

  async #onWatchdog(item: Pending): Promise<void> {
    if (item.settled || item.cancelling || item.enqueuedAt === undefined) return;
    const from = Math.max(item.startedAt ?? item.enqueuedAt, this.#upSince);
    if (!this.#redisUp || Date.now() < from + this.#limit(item)) {
      this.#arm(item);
      return;
    }
    const queue = this.#queues[item.backend];
    try {
      const verdict = await inspectJob(queue, item.jobId);
      if (item.settled || item.cancelling) return;
      if (verdict.kind === 'active' && item.startedAt !== undefined) {
        await this.#signalCancel(item.jobId);
        this.#settle(item, timeoutOutcome('the worker running it stopped responding', false));
        return;
      }
      if (verdict.kind !== 'queued') {
        await this.#reconcile(item);
        return;
      }
      // Waiting behind busy workers is not a missing worker: look again after another timeout.
      if (await this.#workers.has(item.backend)) {
        item.enqueuedAt = Date.now();
        delete item.startedAt;
        this.#arm(item);
        return;
      }
      if ((await queue.remove(item.jobId)) !== 1) {
        await this.#reconcile(item);
        return;
      }
      const { timeoutMs } = item.request.step;
      const message =
        item.startedAt !== undefined
          ? 'the worker running it stopped responding'
          : `no worker for backend "${item.backend}" took the step within ${formatMs(timeoutMs)}: start one with \`loom worker --backend ${item.backend}\``;
      this.#settle(item, timeoutOutcome(message, false));
    } catch {
      this.#arm(item);
    }
  }

  async #cancel(item: Pending): Promise<void> {
    if (item.settled || item.cancelling) return;
    const index = this.#batch.indexOf(item);
    if (index >= 0) {
      this.#batch.splice(index, 1);
      this.#settle(item, cancelledOutcome(0));
      return;
    }
    // Still being added: #reconcile cancels it once the add has landed.
    if (item.enqueuedAt === undefined) return;
    item.cancelling = true;
    clearTimeout(item.timer);
    const startedAt = Date.now();
    // At the latest: a worker that never answers must not hold the run's cancellation up.
    item.timer = setTimeout(() => this.#settle(item, cancelledOutcome(0)), this.#killGraceMs + 5000);
    try {
      // The marker goes first: whichever way the race with a worker taking the job goes, it is seen.
      await this.#redis.set(cancelledKey(this.#prefix, item.jobId), '1', 'EX', CANCELLED_TTL_SECONDS);
      if ((await this.#queues[item.backend].remove(item.jobId)) === 1) {
        this.#settle(item, cancelledOutcome(Date.now() - startedAt));
        return;
      }
      await this.#redis.publish(cancelChannel(this.#prefix), item.jobId);
    } catch {
      // The timer above still resolves it.
    }
  }

  async #signalCancel(jobId: string): Promise<void> {
    await this.#redis.set(cancelledKey(this.#prefix, jobId), '1', 'EX', CANCELLED_TTL_SECONDS);
    await this.#redis.publish(cancelChannel(this.#prefix), jobId);
  }

  #onReports(reports: StepReport[]): void {
    for (const report of reports) {
      const item = this.#pending.get(report.jobId);
      if (item === undefined || item.settled) continue;
      switch (report.kind) {
        case 'started':
          item.startedAt = Date.now();
          // A job picked up again after its worker died starts twice; the driver hears it once.
          if (!item.hookStarted) {
            item.hookStarted = true;
            item.hooks.started();
          }
          this.#arm(item);
          break;
        case 'progress':
          item.hooks.progress(report.fraction, report.message);
          break;
        case 'log':
          item.hooks.log(report.level, report.message, report.fields);
          break;
        case 'metric':
          item.hooks.metric(report.name, report.value, report.step);
          break;
        case 'outcome':
          if (report.started === true && !item.hookStarted) {
            item.hookStarted = true;
            item.hooks.started();
          }
          this.#settle(item, item.cancelling ? cancelledOutcome(report.outcome.durationMs) : report.outcome);
          break;
      }
    }
  }

  #settle(item: Pending, outcome: AttemptOutcome): void {
    if (item.settled) return;
    item.settled = true;
    clearTimeout(item.timer);
    item.request.signal.removeEventListener('abort', item.onAbort);
    this.#pending.delete(item.jobId);
    item.resolve(outcome);
  }
}

function jobData({ request }: Pending): StepJobData {
  return {
    runId: request.runId,
    stepId: request.step.id,
    attempt: request.attempt,
    planSha256: request.planSha256 ?? '',
    contentKey: request.contentKey,
    inputs: request.inputs,
  };
}
