import type Database from 'better-sqlite3';
import { toScheduleState, toTrigger, toTriggerFire } from './trigger-rows.ts';
import { prepareTriggerStatements } from './trigger-statements.ts';
import type {
  NewTrigger,
  NewTriggerFire,
  ScheduleState,
  Trigger,
  TriggerChange,
  TriggerFire,
} from './trigger-types.ts';

/** Fires kept per trigger; older ones are dropped as new ones come. */
export const FIRES_KEPT = 500;

/** What claiming a tick moves the schedule to, and the missed ticks to report with it. */
export interface TickClaim {
  id: string;
  /** The `next_tick` the claimer read: the claim holds only if it is still that. */
  due: number;
  /** The next tick after this one. */
  next: number;
  /** The last tick accounted for by this claim (fired or missed). */
  last: number;
  /** Recorded in the same transaction as the claim, so missed ticks are reported exactly once. */
  missed?: NewTriggerFire;
}

/**
 * The triggers' half of {@link LoomStore}: schedules and webhooks with their fires. Checking what a
 * trigger holds (a cron expression, a time zone, the pipeline's parameters) is the trigger service's;
 * this stores it. Every schedule tick is claimed with one conditional update, so two servers on one
 * file, or a server and its successor, never both fire the same tick.
 */
export class TriggerStore {
  readonly #db: Database.Database;
  readonly #now: () => Date;
  readonly #sql;

  constructor(db: Database.Database, now: () => Date) {
    this.#db = db;
    this.#now = now;
    this.#sql = prepareTriggerStatements(db);
  }

  /** @throws when the id is taken, or the pipeline does not exist (a foreign key). */
  createTrigger(input: NewTrigger): Trigger {
    this.#sql.insert.run({
      id: input.id,
      name: input.name,
      kind: input.kind,
      pipelineId: input.pipelineId,
      pipelineVersion: input.pipelineVersion ?? null,
      parameters: JSON.stringify(input.parameters),
      cron: input.cron ?? null,
      timezone: input.timezone ?? null,
      secret: input.secret ?? null,
      paused: input.paused ? 1 : 0,
      at: this.#at(),
      nextTick: input.paused ? null : (input.nextTick ?? null),
    });
    return this.#require(input.id);
  }

  getTrigger(id: string): Trigger | undefined {
    const row = this.#sql.byId.get(id);
    return row === undefined ? undefined : toTrigger(row, this.#sql.lastFire.get(id));
  }

  /** Every trigger, or a pipeline's, oldest first. */
  listTriggers(pipelineId?: string): Trigger[] {
    const rows = pipelineId === undefined ? this.#sql.all.all() : this.#sql.ofPipeline.all(pipelineId);
    return rows.map((row) => toTrigger(row, this.#sql.lastFire.get(row.id)));
  }

  /** Applies a change; undefined when there is no such trigger. */
  updateTrigger(id: string, change: TriggerChange): Trigger | undefined {
    return this.#db
      .transaction((): Trigger | undefined => {
        const row = this.#sql.byId.get(id);
        if (row === undefined) return undefined;
        const paused = change.paused ?? row.paused === 1;
        this.#sql.update.run({
          id,
          name: change.name ?? row.name,
          pipelineVersion: change.pipelineVersion === undefined ? row.pipeline_version : change.pipelineVersion,
          parameters: change.parameters === undefined ? row.parameters : JSON.stringify(change.parameters),
          cron: change.cron ?? row.cron,
          timezone: change.timezone ?? row.timezone,
          paused: paused ? 1 : 0,
          nextTick: paused ? null : change.nextTick === undefined ? row.next_tick : change.nextTick,
          at: this.#at(),
        });
        return this.#require(id);
      })
      .immediate();
  }

  /** Deletes the trigger with its fires; false when there was none. */
  deleteTrigger(id: string): boolean {
    return this.#sql.delete.run(id).changes > 0;
  }

  /** A webhook's HMAC key; undefined for a schedule or an unknown id. */
  webhookSecret(id: string): string | undefined {
    return this.#sql.secret.get(id) ?? undefined;
  }

  /** Replaces a webhook's key; false when there is no such webhook. */
  setWebhookSecret(id: string, secret: string): boolean {
    return this.#sql.setSecret.run(secret, this.#at(), id).changes > 0;
  }

  /** Every schedule, paused or not, with what the schedulers need. */
  schedules(): ScheduleState[] {
    return this.#sql.schedules.all().flatMap((row) => toScheduleState(row) ?? []);
  }

  schedule(id: string): ScheduleState | undefined {
    const row = this.#sql.byId.get(id);
    return row === undefined ? undefined : toScheduleState(row);
  }

  /** The earliest next tick of any active schedule, epoch ms. */
  earliestTick(): number | undefined {
    return this.#sql.earliestTick.get() ?? undefined;
  }

  /** Active schedules whose next tick is at or before `at` (epoch ms), the most overdue first. */
  dueScheduleIds(at: number): string[] {
    return this.#sql.dueIds.all(at);
  }

  /**
   * Takes a tick: moves the schedule's next tick from `due` to `next`, and records the missed ticks
   * reported with it, in one transaction. False, and nothing changed, when another claimer moved it
   * first (or the schedule was paused, edited or deleted meanwhile).
   */
  claimTick(claim: TickClaim): boolean {
    return this.#db
      .transaction((): boolean => {
        const claimed = this.#sql.claim.run({ id: claim.id, due: claim.due, next: claim.next, last: claim.last });
        if (claimed.changes === 0) return false;
        if (claim.missed !== undefined) this.recordFire(claim.missed);
        return true;
      })
      .immediate();
  }

  recordFire(fire: NewTriggerFire): TriggerFire {
    const { lastInsertRowid } = this.#sql.insertFire.run({
      triggerId: fire.triggerId,
      at: fire.at,
      recordedAt: this.#at(),
      outcome: fire.outcome,
      runId: fire.runId ?? null,
      message: fire.message,
      details: fire.details === undefined ? null : JSON.stringify(fire.details),
    });
    this.#sql.pruneFires.run(fire.triggerId, fire.triggerId, FIRES_KEPT - 1);
    const row = this.#sql.fireById.get(Number(lastInsertRowid));
    if (row === undefined) throw new Error(`a fire of trigger "${fire.triggerId}" vanished as it was stored`);
    return toTriggerFire(row);
  }

  /** The trigger's fires, newest first. @param limit @default 50 */
  listFires(id: string, limit = 50): TriggerFire[] {
    return this.#sql.fires.all(id, limit).map(toTriggerFire);
  }

  #require(id: string): Trigger {
    const trigger = this.getTrigger(id);
    if (trigger === undefined) throw new Error(`trigger "${id}" vanished as it was stored`);
    return trigger;
  }

  #at(): string {
    return this.#now().toISOString();
  }
}
