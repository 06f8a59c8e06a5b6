import { hostname } from 'node:os';
import type { Plan, PlanStep } from '@loom/compiler';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ArtifactStore } from '../artifact-store.ts';
import { cancelledOutcome, errorMessage, errorOutcome } from '../attempt-outcomes.ts';
import type { AttemptHooks, AttemptOutcome, AttemptRequest, AttemptRunner } from '../execute-attempt.ts';
import {
  type Backend,
  cancelChannel,
  cancelledKey,
  DEFAULT_PREFIX,
  queueName,
  type StepJobData,
} from './queue-names.ts';
import { closeRedis, openRedis, type RedisConnection } from './redis-connection.ts';
import { appendReport, type StepReport } from './reports.ts';
import { StepRunnerPool, type StepRunnerPoolOptions } from './step-runner-pool.ts';

export interface StepWorkerOptions {
  /** Redis URL or ioredis options. */
  connection: RedisConnection;
  /** BullMQ key prefix; must match the server's. @default 'loom' */
  prefix?: string;
  /** The queue this worker takes steps from. */
  backend: Backend;
  /** Jobs run at once. */
  concurrency: number;
  /**
   * Runs the steps: a pool made here from options is closed with the worker, one passed in is not; any
   * other {@link AttemptRunner} (the Kubernetes backend) is the caller's to close.
   */
  pool: StepRunnerPool | StepRunnerPoolOptions | AttemptRunner;
  /** Where plans are read from (the steps' own artifacts go through the pool's store). */
  store: ArtifactStore;
  /**
   * How long a job stays locked without renewal. Short, so that a job whose worker died is taken by
   * another within seconds; safe, because locks are renewed by this process's event loop while steps
   * run in child processes. @default 6000
   */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose lock expired. @default 2000 */
  stalledIntervalMs?: number;
  /** Times a job may be taken back from a dead worker before it fails. @default 5 */
  maxStalledCount?: number;
  /** Names this worker in `started` reports. @default `${hostname()}:${process.pid}` */
  name?: string;
}

const PLAN_CACHE_SIZE = 50;
/** How long an attempt runs before its `started` report goes out on its own. */
const STARTED_REPORT_DELAY_MS = 25;

/** One job taken by this worker: whether its attempt began, and whether `started` was reported. */
interface Pickup {
  jobId: string;
  began: boolean;
  reported: boolean;
  timer?: NodeJS.Timeout;
}
/**
 * How long a cancel heard over pub/sub is remembered for a job not (yet) running here: far longer
 * than a cancel can race a pickup. Older ones are still found in the marker key.
 */
const CANCEL_MEMORY_MS = 60_000;

/**
 * Takes steps from one backend's queue and runs them on a {@link StepRunnerPool}, reporting through
 * the report stream. A failing step ends as an outcome (the job's return value), never as a thrown
 * error: the job completes, and the scheduler decides about retries.
 *
 * @example
 * const worker = new StepWorker({ connection: 'redis://localhost:6379', backend: 'cpu', concurrency: 4, pool, store });
 * await worker.start();
 */
export class StepWorker {
  readonly #options: StepWorkerOptions;
  readonly #prefix: string;
  readonly #name: string;
  readonly #pool: AttemptRunner;
  /** The pool this worker made from options, closed with it. */
  readonly #ownPool: StepRunnerPool | undefined;
  readonly #controllers = new Map<string, AbortController>();
  /** Most recently used last; each plan indexed by step id. */
  readonly #plans = new Map<string, Promise<Map<string, PlanStep>>>();
  #redis: Redis | undefined;
  #subscriber: Redis | undefined;
  #workerConnection: Redis | undefined;
  #worker: Worker<StepJobData, AttemptOutcome> | undefined;
  /** Jobs cancelled over pub/sub in the last {@link CANCEL_MEMORY_MS}, oldest first. */
  readonly #recentlyCancelled = new Map<string, number>();
  /** Set by `close({ leaveRunning: true })`: outcomes from then on are not this worker's to report. */
  #closing = false;

  constructor(options: StepWorkerOptions) {
    this.#options = options;
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#name = options.name ?? `${hostname()}:${process.pid}`;
    const { pool } = options;
    this.#ownPool = 'run' in pool ? undefined : new StepRunnerPool(pool);
    this.#pool = this.#ownPool ?? (pool as AttemptRunner);
  }

  async start(): Promise<void> {
    if (this.#worker !== undefined) return;
    const { connection } = this.#options;
    // Reports of many jobs issued in one tick go out in one write (auto-pipelining), in order.
    this.#redis = openRedis(connection, { enableAutoPipelining: true });
    this.#redis.on('error', () => undefined);
    this.#subscriber = openRedis(connection);
    this.#subscriber.on('error', () => undefined);
    // ioredis subscribes again by itself after a reconnect.
    this.#subscriber.on('message', (_channel: string, jobId: string) => {
      this.#rememberCancel(jobId);
      this.#controllers.get(jobId)?.abort();
    });
    await this.#subscriber.subscribe(cancelChannel(this.#prefix));
    const workerConnection = openRedis(connection);
    workerConnection.on('error', () => undefined);
    this.#worker = new Worker<StepJobData, AttemptOutcome>(
      queueName(this.#options.backend),
      (job) => this.#process(job),
      {
        connection: workerConnection,
        prefix: this.#prefix,
        concurrency: Math.max(1, this.#options.concurrency),
        lockDuration: this.#options.lockDurationMs ?? 6000,
        stalledInterval: this.#options.stalledIntervalMs ?? 2000,
        maxStalledCount: this.#options.maxStalledCount ?? 5,
      },
    );
    // BullMQ reports connection trouble here and retries by itself; without a listener it would throw.
    this.#worker.on('error', () => undefined);
    this.#workerConnection = workerConnection;
    await this.#worker.waitUntilReady();
  }

  /**
   * Takes no more jobs, lets running ones finish (the pool bounds how long), then closes. With
   * `leaveRunning`, closes at once and reports nothing more of the running jobs: their locks lapse and
   * another worker takes them again (the Kubernetes backend then re-attaches to their Jobs). The
   * runner must be told to stop following them first.
   */
  async close(options: { leaveRunning?: boolean } = {}): Promise<void> {
    this.#closing = options.leaveRunning === true;
    await this.#worker?.close(options.leaveRunning === true);
    await this.#ownPool?.close();
    await Promise.all(
      [this.#subscriber, this.#redis, this.#workerConnection].map((client) =>
        client === undefined ? undefined : closeRedis(client),
      ),
    );
  }

  async #process(job: Job<StepJobData, AttemptOutcome>): Promise<AttemptOutcome> {
    const jobId = job.id ?? '';
    const controller = new AbortController();
    // Registered before the cancelled marker is read: a cancel published from now on reaches it, and
    // one published earlier left the marker.
    this.#controllers.set(jobId, controller);
    const pickup: Pickup = { jobId, began: false, reported: false };
    let outcome: AttemptOutcome;
    try {
      outcome = await this.#attempt(pickup, job.data, controller.signal);
    } catch (cause) {
      outcome = errorOutcome(`internal error in the worker: ${errorMessage(cause)}`, true);
    } finally {
      this.#controllers.delete(jobId);
      clearTimeout(pickup.timer);
    }
    await this.#report(
      pickup.began && !pickup.reported
        ? { kind: 'outcome', jobId, outcome, started: true }
        : { kind: 'outcome', jobId, outcome },
    );
    return outcome;
  }

  /** Sends the attempt's `started` report, once, before anything else it reports. */
  #reportStarted(pickup: Pickup): void {
    if (pickup.reported) return;
    pickup.reported = true;
    clearTimeout(pickup.timer);
    void this.#report({ kind: 'started', jobId: pickup.jobId, worker: this.#name });
  }

  async #attempt(pickup: Pickup, data: StepJobData, signal: AbortSignal): Promise<AttemptOutcome> {
    const { jobId } = pickup;
    const redis = this.#redis;
    if (redis === undefined) throw new Error('the worker was not started');
    // A cancel published before this pickup is in the recent set (heard over pub/sub) or, when this
    // worker was not listening then, in the marker key. The key is read alongside the attempt, not
    // before it: a cancelled step gets its abort signal a moment after it starts, instead of every
    // step waiting a round trip to Redis.
    if (signal.aborted || this.#recentlyCancelled.has(jobId)) return cancelledOutcome();
    redis.exists(cancelledKey(this.#prefix, jobId)).then(
      (marked) => {
        if (marked === 1) this.#controllers.get(jobId)?.abort();
      },
      () => undefined,
    );
    // `started` goes out after a few milliseconds (the server's watchdog only needs it for steps that
    // run longer), or with the first progress, log or metric; a step done sooner says it with its
    // outcome. Not awaited: later reports queue behind it on the same connection, in order.
    pickup.began = true;
    pickup.timer = setTimeout(() => this.#reportStarted(pickup), STARTED_REPORT_DELAY_MS);
    let steps: Map<string, PlanStep>;
    try {
      steps = await this.#plan(data.planSha256);
    } catch (cause) {
      return errorOutcome(`could not read the run's plan ${data.planSha256}: ${errorMessage(cause)}`, true);
    }
    const step = steps.get(data.stepId);
    if (step === undefined)
      return errorOutcome(`step "${data.stepId}" is not in the run's plan ${data.planSha256}`, false);
    const request: AttemptRequest = {
      runId: data.runId,
      step,
      attempt: data.attempt,
      inputs: data.inputs,
      contentKey: data.contentKey,
      planSha256: data.planSha256,
      signal,
    };
    const report = (body: StepReport) => {
      this.#reportStarted(pickup);
      void this.#report(body);
    };
    const hooks: AttemptHooks = {
      // Reported by the worker itself (see above), whether the step runner is ready or not.
      started: () => undefined,
      progress: (fraction, message) =>
        report(
          message === undefined
            ? { kind: 'progress', jobId, fraction }
            : { kind: 'progress', jobId, fraction, message },
        ),
      log: (level, message, fields) =>
        report(
          fields === undefined
            ? { kind: 'log', jobId, level, message }
            : { kind: 'log', jobId, level, message, fields },
        ),
      metric: (name, value, step) =>
        report(
          step === undefined ? { kind: 'metric', jobId, name, value } : { kind: 'metric', jobId, name, value, step },
        ),
    };
    return this.#pool.run(request, hooks);
  }

  #rememberCancel(jobId: string): void {
    const now = Date.now();
    this.#recentlyCancelled.set(jobId, now);
    for (const [id, at] of this.#recentlyCancelled) {
      if (now - at < CANCEL_MEMORY_MS) break;
      this.#recentlyCancelled.delete(id);
    }
  }

  #plan(sha256: string): Promise<Map<string, PlanStep>> {
    let plan = this.#plans.get(sha256);
    if (plan !== undefined) {
      this.#plans.delete(sha256);
    } else {
      plan = this.#options.store.read(sha256).then((bytes) => {
        const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as Plan;
        return new Map(parsed.steps.map((step) => [step.id, step]));
      });
      // A failed read is not cached: the blob may arrive (or the disk recover) before the next attempt.
      plan.catch(() => this.#plans.delete(sha256));
    }
    this.#plans.set(sha256, plan);
    for (const oldest of this.#plans.keys()) {
      if (this.#plans.size <= PLAN_CACHE_SIZE) break;
      this.#plans.delete(oldest);
    }
    return plan;
  }

  async #report(report: StepReport): Promise<void> {
    if (this.#redis === undefined || this.#closing) return;
    try {
      await appendReport(this.#redis, this.#prefix, report);
    } catch (cause) {
      // The outcome is also the job's return value, which the server reads when a report is lost.
      process.stderr.write(`loom worker: could not report ${report.kind} of ${report.jobId}: ${errorMessage(cause)}\n`);
    }
  }
}
