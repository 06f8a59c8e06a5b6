import { randomBytes } from 'node:crypto';
import type { RunManager, SubmitResult } from '../runs/run-manager.ts';
import type { LoomStore } from '../store/loom-store.ts';
import type {
  ParameterValue,
  RunTrigger,
  Trigger,
  TriggerChange,
  TriggerFire,
  TriggerFireDetails,
  TriggerKind,
} from '../store/trigger-types.ts';
import { type CronSchedule, checkCron } from './cron.ts';
import type { ScheduleDriver } from './schedule-driver.ts';
import { claimDueTick } from './schedule-ticks.ts';
import { TriggerError } from './trigger-error.ts';
import { checkTriggerParameters } from './trigger-parameters.ts';
import { newWebhookSecret, SIGNATURE_HEADERS, signatureMatches } from './webhook-signature.ts';

export interface TriggerServiceOptions {
  store: LoomStore;
  runs: Pick<RunManager, 'submit'>;
  /**
   * How late a tick may fire: a server that comes back within this of a tick still runs it; ticks
   * older than this are reported as missed, not run. @default 60_000
   */
  graceMs?: number;
  /** @default Date.now */
  now?: () => number;
}

export interface CreateTriggerInput {
  name: string;
  kind: TriggerKind;
  pipelineId: string;
  /** @default the pipeline's latest version when it fires */
  pipelineVersion?: number;
  /** @default {} */
  parameters?: Record<string, ParameterValue>;
  /** Schedules only. */
  cron?: string;
  /** Schedules only. @default 'UTC' */
  timezone?: string;
  /** Webhooks only. @default 32 random bytes */
  secret?: string;
  /** @default false */
  paused?: boolean;
}

/** An edit through the API: the stored change without `nextTick`, which the service works out from it. */
export type TriggerPatch = Omit<TriggerChange, 'nextTick'>;

/** What starts a run on a trigger's behalf; the alert actions call {@link TriggerService.startRun} with one. */
export interface StartRunInput {
  pipelineId: string;
  /** @default the latest */
  version?: number;
  /** @default {} */
  parameters?: Record<string, ParameterValue>;
  trigger: RunTrigger;
}

/** A webhook delivery as the route got it: the raw body (the signature covers its bytes) and the headers. */
export interface WebhookDelivery {
  body: Buffer;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type WebhookResult =
  | { kind: 'not-found'; message: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'paused'; message: string }
  /** GitHub's `ping`, sent when a hook is set up: answered, and nothing runs. */
  | { kind: 'ping'; message: string }
  | { kind: 'submitted'; result: SubmitResult; fire: TriggerFire };

/** The shortest secret accepted from a caller: shorter ones are guessable offline from one signed delivery. */
const MIN_SECRET_LENGTH = 16;

/**
 * Triggers that start runs: schedules (cron in a time zone), webhooks (HMAC-signed deliveries) and,
 * through {@link startRun}, the actions of alerts. It checks what a trigger holds before it is stored
 * (each refusal a {@link TriggerError} naming the field), tells the schedule driver of every change,
 * claims each due tick in the store (so it fires once, however many servers share the store) and
 * records every fire. Every run it starts carries its trigger.
 *
 * @example
 * const service = new TriggerService({ store, runs });
 * service.useDriver(new SqliteScheduler({ store: store.triggers, onDue: (id, now) => service.tick(id, now) }));
 * const { trigger } = await service.create({ name: 'nightly', kind: 'schedule', pipelineId, cron: '0 3 * * *', timezone: 'Europe/Paris' });
 */
export class TriggerService {
  readonly #store: LoomStore;
  readonly #runs: Pick<RunManager, 'submit'>;
  readonly #graceMs: number;
  readonly #now: () => number;
  #driver: ScheduleDriver | undefined;

  constructor(options: TriggerServiceOptions) {
    this.#store = options.store;
    this.#runs = options.runs;
    this.#graceMs = options.graceMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** The driver that delivers ticks; schedules do not tick until one is set and started. */
  useDriver(driver: ScheduleDriver): void {
    this.#driver = driver;
  }

  /** Which driver delivers ticks. */
  get schedulerKind(): ScheduleDriver['kind'] | undefined {
    return this.#driver?.kind;
  }

  list(pipelineId?: string): Trigger[] {
    return this.#store.triggers.listTriggers(pipelineId);
  }

  get(id: string): Trigger | undefined {
    return this.#store.triggers.getTrigger(id);
  }

  /** The trigger's fires, newest first. */
  fires(id: string, limit?: number): TriggerFire[] | undefined {
    if (this.get(id) === undefined) return undefined;
    return this.#store.triggers.listFires(id, limit);
  }

  /**
   * Checks and stores a new trigger. A webhook's secret is in the answer, and only there: it is never
   * read back (rotate it to get a new one).
   * @throws TriggerError `invalid` naming the field.
   */
  async create(input: CreateTriggerInput): Promise<{ trigger: Trigger; secret?: string }> {
    this.#checkTarget(input.pipelineId, input.pipelineVersion, input.parameters ?? {});
    const paused = input.paused === true;
    const base = {
      id: newTriggerId(),
      name: checkName(input.name),
      pipelineId: input.pipelineId,
      parameters: input.parameters ?? {},
      paused,
      ...(input.pipelineVersion === undefined ? {} : { pipelineVersion: input.pipelineVersion }),
    };
    if (input.kind === 'schedule') {
      if (input.secret !== undefined) throw invalid('secret: a schedule has no secret; only webhooks do', '/secret');
      if (input.cron === undefined)
        throw invalid('cron: a schedule needs a cron expression, e.g. "0 3 * * *"', '/cron');
      const schedule = checkSchedule(input.cron, input.timezone ?? 'UTC');
      const trigger = this.#store.triggers.createTrigger({
        ...base,
        kind: 'schedule',
        cron: schedule.cron,
        timezone: schedule.timezone,
        nextTick: schedule.next(this.#now()),
      });
      await this.#driver?.changed(trigger.id);
      return { trigger };
    }
    if (input.cron !== undefined) throw invalid('cron: a webhook has no schedule; only schedules do', '/cron');
    if (input.timezone !== undefined)
      throw invalid('timezone: a webhook has no schedule; only schedules do', '/timezone');
    const secret = input.secret ?? newWebhookSecret();
    checkSecret(secret);
    const trigger = this.#store.triggers.createTrigger({ ...base, kind: 'webhook', secret });
    return { trigger, secret };
  }

  /**
   * Edits a trigger. A new cron expression or time zone, or a resume, schedules the next tick from now:
   * ticks that fell while a schedule was paused are not missed, just not wanted.
   * @throws TriggerError `not-found`, `invalid` naming the field, `conflict` for a schedule's field on a webhook.
   */
  async update(id: string, patch: TriggerPatch): Promise<Trigger> {
    const current = this.get(id);
    if (current === undefined) throw new TriggerError('not-found', `no trigger "${id}"`);
    const version =
      patch.pipelineVersion === undefined ? current.pipelineVersion : (patch.pipelineVersion ?? undefined);
    if (patch.parameters !== undefined || patch.pipelineVersion !== undefined) {
      this.#checkTarget(current.pipelineId, version, patch.parameters ?? current.parameters);
    }
    const change: TriggerChange = {};
    if (patch.name !== undefined) change.name = checkName(patch.name);
    if (patch.pipelineVersion !== undefined) change.pipelineVersion = patch.pipelineVersion;
    if (patch.parameters !== undefined) change.parameters = patch.parameters;
    if (patch.paused !== undefined) change.paused = patch.paused;
    if (current.kind === 'webhook') {
      const field = patch.cron !== undefined ? 'cron' : patch.timezone !== undefined ? 'timezone' : undefined;
      if (field !== undefined) {
        throw new TriggerError('conflict', `${field}: trigger "${current.name}" is a webhook; only schedules have one`);
      }
    } else {
      const cron = patch.cron ?? current.cron ?? '';
      const timezone = patch.timezone ?? current.timezone ?? 'UTC';
      const schedule = checkSchedule(cron, timezone);
      const rescheduled = patch.cron !== undefined || patch.timezone !== undefined;
      const resumed = current.paused && patch.paused === false;
      if (patch.cron !== undefined) change.cron = schedule.cron;
      if (patch.timezone !== undefined) change.timezone = schedule.timezone;
      if (rescheduled || resumed) change.nextTick = schedule.next(this.#now());
    }
    const updated = this.#store.triggers.updateTrigger(id, change);
    if (updated === undefined) throw new TriggerError('not-found', `no trigger "${id}"`);
    if (updated.kind === 'schedule') await this.#driver?.changed(id);
    return updated;
  }

  /** Deletes a trigger and its fires; the runs it started stay, and still name it. */
  async remove(id: string): Promise<boolean> {
    const trigger = this.get(id);
    if (trigger === undefined) return false;
    this.#store.triggers.deleteTrigger(id);
    if (trigger.kind === 'schedule') await this.#driver?.removed(id);
    return true;
  }

  /**
   * Gives a webhook a new secret (the one given, or a random one) and answers it, once; deliveries
   * signed with the old one are refused from now on.
   * @throws TriggerError `not-found`, `conflict` for a schedule, `invalid` for a short secret.
   */
  rotateSecret(id: string, secret?: string): string {
    const trigger = this.get(id);
    if (trigger === undefined) throw new TriggerError('not-found', `no trigger "${id}"`);
    if (trigger.kind !== 'webhook') {
      throw new TriggerError('conflict', `trigger "${trigger.name}" is a schedule: only webhooks have a secret`);
    }
    const next = secret ?? newWebhookSecret();
    checkSecret(next);
    this.#store.triggers.setWebhookSecret(id, next);
    return next;
  }

  /**
   * Starts a run on a trigger's behalf; the run stores `trigger`, so the designer shows what started it.
   * This is what an alert's "start a run" action calls, with `{ kind: 'alert', id: monitorId, alertId }`.
   *
   * @example
   * const result = await fastify.triggers.startRun({
   *   pipelineId, parameters: { data: 'latest.parquet' },
   *   trigger: { kind: 'alert', id: monitor.id, name: monitor.name, alertId: alert.id },
   * });
   * if (result.kind !== 'started') log.warn(result.message);
   */
  startRun(input: StartRunInput): Promise<SubmitResult> {
    return this.#runs.submit(input.pipelineId, { parameters: input.parameters ?? {} }, input.version, input.trigger);
  }

  /**
   * A schedule may be due at `now` (the driver says so): claims what is due, reports what was missed,
   * and starts a run for the tick that is on time, recording the fire. Does nothing when another
   * server claimed the tick first.
   */
  async tick(id: string, now: number): Promise<void> {
    const claimed = claimDueTick(this.#store.triggers, id, now, this.#graceMs);
    if (claimed?.fire === undefined) return;
    const trigger = this.get(id);
    if (trigger === undefined) return;
    const at = new Date(claimed.fire).toISOString();
    try {
      const result = await this.#startFor(trigger);
      this.#recordResult(trigger, at, result, {});
    } catch (error) {
      this.#store.triggers.recordFire({ triggerId: id, at, outcome: 'failed', message: errorMessage(error) });
      throw error;
    }
  }

  /**
   * A delivery to `POST /api/hooks/:id`: refused (and recorded as refused) unless it is signed with
   * the hook's secret; refused while the hook is paused; otherwise a run starts.
   */
  async receiveWebhook(id: string, delivery: WebhookDelivery): Promise<WebhookResult> {
    const trigger = this.get(id);
    const secret = this.#store.triggers.webhookSecret(id);
    if (trigger === undefined || secret === undefined) return { kind: 'not-found', message: `no webhook "${id}"` };
    const at = new Date(this.#now()).toISOString();
    const details = deliveryDetails(delivery);
    const signature = SIGNATURE_HEADERS.map((name) => header(delivery.headers, name)).find((v) => v !== undefined);
    if (!signatureMatches(secret, delivery.body, signature)) {
      const message =
        signature === undefined
          ? 'the delivery is not signed: send X-Loom-Signature (or X-Hub-Signature-256): sha256=<hex HMAC-SHA256 of the body>'
          : 'the delivery’s signature does not match the hook’s secret';
      this.#store.triggers.recordFire({ triggerId: id, at, outcome: 'refused', message, details });
      return { kind: 'unauthorized', message };
    }
    if (details.event === 'ping') {
      return { kind: 'ping', message: `webhook "${trigger.name}" is set up; it starts a run on every other event` };
    }
    if (trigger.paused) {
      const message = `webhook "${trigger.name}" is paused: resume it to start runs`;
      this.#store.triggers.recordFire({ triggerId: id, at, outcome: 'refused', message, details });
      return { kind: 'paused', message };
    }
    try {
      const result = await this.#startFor(trigger);
      return { kind: 'submitted', result, fire: this.#recordResult(trigger, at, result, details) };
    } catch (error) {
      this.#store.triggers.recordFire({ triggerId: id, at, outcome: 'failed', message: errorMessage(error), details });
      throw error;
    }
  }

  #startFor(trigger: Trigger): Promise<SubmitResult> {
    return this.startRun({
      pipelineId: trigger.pipelineId,
      parameters: trigger.parameters,
      trigger: { kind: trigger.kind, id: trigger.id, name: trigger.name },
      ...(trigger.pipelineVersion === undefined ? {} : { version: trigger.pipelineVersion }),
    });
  }

  #recordResult(trigger: Trigger, at: string, result: SubmitResult, details: TriggerFireDetails): TriggerFire {
    const extra = Object.keys(details).length === 0 ? {} : { details };
    if (result.kind === 'started') {
      return this.#store.triggers.recordFire({
        triggerId: trigger.id,
        at,
        outcome: 'started',
        runId: result.run.id,
        message: `started run ${result.run.id}`,
        ...extra,
      });
    }
    return this.#store.triggers.recordFire({
      triggerId: trigger.id,
      at,
      outcome: 'refused',
      message: result.message,
      ...extra,
    });
  }

  #checkTarget(pipelineId: string, version: number | undefined, parameters: Record<string, ParameterValue>): void {
    const pipeline = this.#store.getPipeline(pipelineId, version);
    if (pipeline === undefined) {
      if (version !== undefined && this.#store.getPipeline(pipelineId) !== undefined) {
        throw invalid(`pipelineVersion: pipeline "${pipelineId}" has no version ${version}`, '/pipelineVersion');
      }
      throw invalid(`pipelineId: no pipeline "${pipelineId}"`, '/pipelineId');
    }
    checkTriggerParameters(pipeline.document, parameters);
  }
}

function checkSchedule(cron: string, timezone: string): CronSchedule {
  const check = checkCron(cron, timezone);
  if (!check.ok) throw invalid(check.message, `/${check.field}`);
  return check.schedule;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw invalid('name: a trigger needs a name', '/name');
  return trimmed;
}

function checkSecret(secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw invalid(`secret: use at least ${MIN_SECRET_LENGTH} characters (or leave it out for a random one)`, '/secret');
  }
}

function deliveryDetails(delivery: WebhookDelivery): TriggerFireDetails {
  const details: TriggerFireDetails = {};
  const id = header(delivery.headers, 'x-github-delivery') ?? header(delivery.headers, 'x-loom-delivery');
  if (id !== undefined) details.delivery = id.slice(0, 200);
  const event = header(delivery.headers, 'x-github-event') ?? header(delivery.headers, 'x-loom-event');
  if (event !== undefined) details.event = event.slice(0, 200);
  const ref = refOf(delivery.body);
  if (ref !== undefined) details.ref = ref.slice(0, 500);
  return details;
}

/** A Git push's `ref` (`refs/heads/main`) when the body is a JSON object with one. */
function refOf(body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && 'ref' in parsed && typeof parsed.ref === 'string') {
      return parsed.ref;
    }
  } catch {
    // Any body may be signed; only a JSON one has a ref to show.
  }
  return undefined;
}

function header(headers: WebhookDelivery['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function invalid(message: string, field: string): TriggerError {
  return new TriggerError('invalid', message, field);
}

function errorMessage(error: unknown): string {
  return `the run could not start: ${error instanceof Error ? error.message : String(error)}`;
}

/** `tr` and 12 characters of base32: as hard to guess as a pipeline id, and a valid BullMQ scheduler id. */
function newTriggerId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return `tr${Array.from(randomBytes(12), (byte) => alphabet[byte % 32]).join('')}`;
}
