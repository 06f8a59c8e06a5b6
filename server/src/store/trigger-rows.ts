import type { ScheduleState, Trigger, TriggerFire, TriggerFireOutcome, TriggerKind } from './trigger-types.ts';

/* Trigger rows as better-sqlite3 returns them, and their mapping to the stored types. */

export interface TriggerRow {
  id: string;
  name: string;
  kind: string;
  pipeline_id: string;
  pipeline_version: number | null;
  parameters: string;
  cron: string | null;
  timezone: string | null;
  paused: number;
  created_at: string;
  updated_at: string;
  next_tick: number | null;
  last_tick: number | null;
}

/** Every column of `triggers` but the secret, which leaves the store only through `webhookSecret`. */
export const TRIGGER_COLUMNS =
  'id, name, kind, pipeline_id, pipeline_version, parameters, cron, timezone, paused, created_at, updated_at, next_tick, last_tick';

export interface TriggerFireRow {
  id: number;
  trigger_id: string;
  at: string;
  recorded_at: string;
  outcome: string;
  run_id: string | null;
  message: string;
  details: string | null;
}

export const FIRE_COLUMNS = 'id, trigger_id, at, recorded_at, outcome, run_id, message, details';

export function toTrigger(row: TriggerRow, lastFire: TriggerFireRow | undefined): Trigger {
  const trigger: Trigger = {
    id: row.id,
    name: row.name,
    kind: row.kind as TriggerKind,
    pipelineId: row.pipeline_id,
    parameters: JSON.parse(row.parameters),
    paused: row.paused === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.pipeline_version !== null) trigger.pipelineVersion = row.pipeline_version;
  if (row.cron !== null) trigger.cron = row.cron;
  if (row.timezone !== null) trigger.timezone = row.timezone;
  if (row.next_tick !== null) trigger.nextTick = new Date(row.next_tick).toISOString();
  if (row.last_tick !== null) trigger.lastTick = new Date(row.last_tick).toISOString();
  if (lastFire !== undefined) trigger.lastFire = toTriggerFire(lastFire);
  return trigger;
}

export function toTriggerFire(row: TriggerFireRow): TriggerFire {
  const fire: TriggerFire = {
    id: row.id,
    triggerId: row.trigger_id,
    at: row.at,
    recordedAt: row.recorded_at,
    outcome: row.outcome as TriggerFireOutcome,
    message: row.message,
  };
  if (row.run_id !== null) fire.runId = row.run_id;
  if (row.details !== null) fire.details = JSON.parse(row.details);
  return fire;
}

export function toScheduleState(row: TriggerRow): ScheduleState | undefined {
  if (row.kind !== 'schedule' || row.cron === null || row.timezone === null) return undefined;
  return {
    id: row.id,
    cron: row.cron,
    timezone: row.timezone,
    paused: row.paused === 1,
    nextTick: row.next_tick,
    lastTick: row.last_tick,
  };
}
