/** Values a run parameter takes, as in `RunOptions.parameters`. */
export type ParameterValue = string | number | boolean;

/**
 * What started a run, stored with it: a schedule's tick, a webhook delivery, or a monitor's alert
 * (the monitor's id, with the alert's). A run without one was started by hand.
 */
export interface RunTrigger {
  kind: 'schedule' | 'webhook' | 'alert';
  /** The trigger's id; for an alert, the monitor's. */
  id: string;
  name?: string;
  alertId?: string;
}

export type TriggerKind = 'schedule' | 'webhook';

/** The outcome of one fire: a run started; refused (the run could not start, a bad delivery); missed ticks; an error. */
export type TriggerFireOutcome = 'started' | 'refused' | 'missed' | 'failed';

/** A trigger as stored, without its webhook secret (which only the store and the hook route read). */
export interface Trigger {
  id: string;
  name: string;
  kind: TriggerKind;
  pipelineId: string;
  /** Absent: the pipeline's latest version when it fires. */
  pipelineVersion?: number;
  parameters: Record<string, ParameterValue>;
  /** Schedules: a cron expression (5 fields, or 6 with seconds first), read in `timezone`. */
  cron?: string;
  /** Schedules: an IANA time zone such as `Europe/Paris`. */
  timezone?: string;
  paused: boolean;
  createdAt: string;
  updatedAt: string;
  /** Schedules: the next tick to come, ISO 8601; absent while paused. */
  nextTick?: string;
  /** Schedules: the last tick accounted for (fired or reported missed). */
  lastTick?: string;
  /** The most recent fire, if any. */
  lastFire?: TriggerFire;
}

export interface TriggerFire {
  id: number;
  triggerId: string;
  /** A schedule's tick, or when a webhook delivery arrived. */
  at: string;
  recordedAt: string;
  outcome: TriggerFireOutcome;
  runId?: string;
  message: string;
  details?: TriggerFireDetails;
}

export interface TriggerFireDetails {
  /** For `missed`: how many ticks, the first and the last. */
  missed?: { count: number; first: string; last: string };
  /** For a webhook: the sender's delivery id (GitHub's `X-GitHub-Delivery`). */
  delivery?: string;
  /** For a webhook: the `ref` of a JSON body (a Git push's branch or tag). */
  ref?: string;
  /** For a webhook: the sender's event name (`X-GitHub-Event`). */
  event?: string;
}

/** What a new trigger holds; the service has checked every field. */
export interface NewTrigger {
  id: string;
  name: string;
  kind: TriggerKind;
  pipelineId: string;
  pipelineVersion?: number;
  parameters: Record<string, ParameterValue>;
  cron?: string;
  timezone?: string;
  secret?: string;
  paused: boolean;
  /** Epoch ms of the first tick; schedules that are not paused. */
  nextTick?: number;
}

/** A change to a trigger; `nextTick: null` clears it (paused). */
export interface TriggerChange {
  name?: string;
  /** null: follow the pipeline's latest version. */
  pipelineVersion?: number | null;
  parameters?: Record<string, ParameterValue>;
  cron?: string;
  timezone?: string;
  paused?: boolean;
  nextTick?: number | null;
}

export interface NewTriggerFire {
  triggerId: string;
  at: string;
  outcome: TriggerFireOutcome;
  runId?: string;
  message: string;
  details?: TriggerFireDetails;
}

/** A schedule with its claim-relevant state, as the schedulers read it. */
export interface ScheduleState {
  id: string;
  cron: string;
  timezone: string;
  paused: boolean;
  /** Epoch ms; null while paused. */
  nextTick: number | null;
  lastTick: number | null;
}
