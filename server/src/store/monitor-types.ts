/** Monitors, their windows and the alerts their rules raise: what the store keeps and the API serves. */

export type RuleOperator = '>' | '>=' | '<' | '<=';

/**
 * When a monitor raises an alert: `metric` (one of a window's metrics, see {@link windowMetrics})
 * compared with `threshold` holds in `windows` windows in a row.
 */
export interface MonitorRule {
  metric: string;
  op: RuleOperator;
  threshold: number;
  windows: number;
}

/** A rule as a request gives it: `windows` defaults to 1. */
export type MonitorRuleInput = Omit<MonitorRule, 'windows'> & { windows?: number };

/** Fills in a rule's defaults. */
export function completeRule(rule: MonitorRuleInput): MonitorRule {
  return { ...rule, windows: rule.windows ?? 1 };
}

/** What an alert does when it opens: start a pipeline run (a retrain), or POST a signed webhook. */
export type MonitorAction =
  | { kind: 'run'; pipelineId: string; version?: number; parameters?: Record<string, string | number | boolean> }
  | { kind: 'webhook'; url: string };

export interface MonitorDefinition {
  name: string;
  /** The model whose endpoint's request log the monitor reads. */
  model: string;
  /** Window length in seconds; windows are aligned to multiples of it since the Unix epoch (UTC). */
  windowSeconds: number;
  /** Drift thresholds and methods, overriding the defaults (see @loom/drift `DriftOptions`). */
  drift: Record<string, unknown>;
  rules: MonitorRule[];
  actions: MonitorAction[];
  paused: boolean;
}

export interface Monitor extends MonitorDefinition {
  id: string;
  createdAt: string;
  updatedAt: string;
  /** The end of the last window evaluated (ISO), or null before the first. */
  lastWindowEnd: string | null;
}

export type WindowStatus = 'no_data' | 'ok' | 'drift' | 'failed';

/** One evaluated window of a monitor. */
export interface MonitorWindow {
  monitorId: string;
  start: string;
  end: string;
  status: WindowStatus;
  /** Rows the window held (all versions). */
  rows: number;
  /** The version compared with its baseline: the one that answered most rows; null without data. */
  version: number | null;
  /** Rows per version that answered in the window. */
  versions: Record<string, number>;
  /** The window's metrics, by name, as rules read them. */
  metrics: Record<string, number>;
  /** Why a window could not be evaluated (status `failed`), or a note (e.g. no baseline). */
  message: string | null;
  computedAt: string;
}

export type AlertStatus = 'open' | 'resolved';

/** What one action did for an alert. */
export interface AlertActionResult {
  kind: 'run' | 'webhook';
  /** `run`: the run started; `webhook`: the URL posted to. */
  target: string;
  ok: boolean;
  runId?: string;
  status?: number;
  message?: string;
  at: string;
}

export interface Alert {
  id: string;
  monitorId: string;
  model: string;
  /** The rule's position in the monitor's rules, and the rule itself as it was when the alert opened. */
  ruleIndex: number;
  rule: MonitorRule;
  status: AlertStatus;
  /** The metric's value in the last breaching window. */
  value: number;
  openedAt: string;
  /** The window that opened it (its start) and the last breaching one. */
  firstWindow: string;
  lastWindow: string;
  resolvedAt: string | null;
  actions: AlertActionResult[];
}
