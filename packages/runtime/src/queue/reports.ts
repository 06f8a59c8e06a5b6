import type { LogLevel } from '@loom/sdk';
import type { Redis } from 'ioredis';
import type { AttemptOutcome } from '../execute-attempt.ts';
import { reportsStream } from './queue-names.ts';
import { openRedis, type RedisConnection, sleep } from './redis-connection.ts';

/**
 * What a worker tells the server about a job, discriminated by `kind`. One stream carries them all, so
 * the server needs one blocking read however many jobs run.
 */
export type StepReport =
  | { kind: 'started'; jobId: string; worker: string }
  | { kind: 'progress'; jobId: string; fraction: number; message?: string }
  | { kind: 'log'; jobId: string; level: LogLevel; message: string; fields?: Record<string, unknown> }
  | { kind: 'metric'; jobId: string; name: string; value: number; step?: number }
  /**
   * `started`: the attempt began here but its own `started` report was never sent: an attempt that
   * ends within a few milliseconds says so with its outcome, saving a report per short step.
   */
  | { kind: 'outcome'; jobId: string; outcome: AttemptOutcome; started?: true };

/** Roughly how many reports the stream keeps (`XADD MAXLEN ~`): old ones go once acknowledged long ago. */
export const REPORTS_MAXLEN = 100_000;

/**
 * Appends a report: fields `kind` and `job` (for humans with redis-cli) and `report` (the JSON that
 * {@link ReportConsumer} reads).
 */
export async function appendReport(redis: Redis, prefix: string, report: StepReport): Promise<void> {
  await redis.xadd(
    reportsStream(prefix),
    'MAXLEN',
    '~',
    REPORTS_MAXLEN,
    '*',
    'kind',
    report.kind,
    'job',
    report.jobId,
    'report',
    JSON.stringify(report),
  );
}

export interface ReportConsumerOptions {
  connection: RedisConnection;
  prefix: string;
  /** The consumer group. @default 'loom-server' */
  group?: string;
  /**
   * The consumer's name within the group. Keep it stable across restarts: what was delivered to it but
   * not acknowledged before a crash is read again under the same name. @default 'server'
   */
  consumer?: string;
  /** Reports read at most per round trip. @default 500 */
  count?: number;
  /** How long one read waits for new reports; also bounds how late `close` notices. @default 2000 */
  blockMs?: number;
  /** Handles a batch; acknowledged once it returns (even when it throws: a bad report is not retried). */
  onReports(reports: StepReport[]): void;
  /** Called for each failed read (Redis down, group lost); the consumer retries with backoff. */
  onError?(cause: unknown): void;
}

type StreamReply = Array<[string, Array<[string, string[] | null]>]> | null;

/**
 * Reads the report stream through a consumer group on its own connection (a blocking read would hold
 * up every other command on a shared one). Reports written while no consumer ran, the server's
 * restart included, are delivered once it starts: the group begins at the stream's first entry, and
 * unacknowledged ones are read again first. Never throws: errors are retried with backoff, and a group
 * lost with Redis's data is created again.
 *
 * @example
 * const consumer = new ReportConsumer({ connection: 'redis://localhost:6379', prefix: 'loom', onReports });
 * consumer.start();
 */
export class ReportConsumer {
  readonly #options: ReportConsumerOptions;
  readonly #redis: Redis;
  readonly #stream: string;
  readonly #group: string;
  readonly #consumer: string;
  readonly #closing = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: ReportConsumerOptions) {
    this.#options = options;
    this.#redis = openRedis(options.connection, { lazyConnect: true });
    // Errors surface through the commands; without a listener ioredis would print each one.
    this.#redis.on('error', () => undefined);
    this.#stream = reportsStream(options.prefix);
    this.#group = options.group ?? 'loom-server';
    this.#consumer = options.consumer ?? 'server';
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async close(): Promise<void> {
    this.#closing.abort();
    // Ends a blocked read at once; the loop sees `closing` and stops.
    this.#redis.disconnect();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { count = 500, blockMs = 2000 } = this.#options;
    let groupReady = false;
    let pending = true;
    let backoffMs = 100;
    while (!this.#closing.signal.aborted) {
      try {
        if (!groupReady) {
          await this.#ensureGroup();
          groupReady = true;
          pending = true;
        }
        // '0' reads what was delivered to this consumer but never acknowledged; '>' reads new reports.
        const reply = (await this.#redis.xreadgroup(
          'GROUP',
          this.#group,
          this.#consumer,
          'COUNT',
          count,
          'BLOCK',
          blockMs,
          'STREAMS',
          this.#stream,
          pending ? '0' : '>',
        )) as StreamReply;
        backoffMs = 100;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) {
          pending = false;
          continue;
        }
        this.#handle(entries);
        // Not awaited: the next read goes out right behind it on the same connection, in order, which
        // saves a round trip per batch. A lost ack only means the reports come again after a restart,
        // and the scheduler ignores replies it has had.
        this.#redis.xack(this.#stream, this.#group, ...entries.map(([id]) => id)).catch(() => undefined);
      } catch (cause) {
        if (this.#closing.signal.aborted) break;
        this.#options.onError?.(cause);
        // Redis may have restarted without its data: check the group again before the next read.
        groupReady = false;
        await sleep(backoffMs, this.#closing.signal);
        backoffMs = Math.min(backoffMs * 2, 2000);
      }
    }
  }

  async #ensureGroup(): Promise<void> {
    if (this.#redis.status === 'wait') await this.#redis.connect();
    try {
      await this.#redis.xgroup('CREATE', this.#stream, this.#group, '0', 'MKSTREAM');
    } catch (cause) {
      if (!String(cause).includes('BUSYGROUP')) throw cause;
    }
  }

  #handle(entries: Array<[string, string[] | null]>): void {
    const reports: StepReport[] = [];
    for (const [, fields] of entries) {
      // A pending entry trimmed from the stream comes back without fields.
      if (fields === null) continue;
      const index = fields.indexOf('report');
      const text = index >= 0 && index % 2 === 0 ? fields[index + 1] : undefined;
      if (text === undefined) continue;
      try {
        reports.push(JSON.parse(text) as StepReport);
      } catch (cause) {
        this.#options.onError?.(cause);
      }
    }
    if (reports.length === 0) return;
    try {
      this.#options.onReports(reports);
    } catch (cause) {
      this.#options.onError?.(cause);
    }
  }
}
