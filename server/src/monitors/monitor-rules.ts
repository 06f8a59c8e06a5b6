import type { MonitorAction, MonitorRule, MonitorWindow, RuleOperator } from '../store/monitor-types.ts';

const OPERATORS: readonly RuleOperator[] = ['>', '>=', '<', '<='];

/** The metrics every window has; feature metrics are `<metric>:<feature>` (see {@link FEATURE_METRICS}). */
export const WINDOW_METRICS = [
  'rows',
  'drift_share',
  'drifted_features',
  'dataset_drift',
  'prediction_drift',
  'prediction_drifted',
  'latency_p50_ms',
  'latency_p99_ms',
] as const;

/** Per-feature metrics, named `<metric>:<feature>`, e.g. `psi:petal_length`. */
export const FEATURE_METRICS = ['drift_score', 'drifted', 'psi', 'null_rate', 'out_of_range', 'unseen'] as const;

/** Without rules of its own, a monitor alerts when the dataset drifts (half its features or more) in one window. */
export const DEFAULT_RULES: readonly MonitorRule[] = [{ metric: 'dataset_drift', op: '>=', threshold: 1, windows: 1 }];

/** Checks a metric name's shape: a window metric, or a feature metric with a feature name. */
export function metricNameProblem(metric: string): string | undefined {
  if ((WINDOW_METRICS as readonly string[]).includes(metric)) return undefined;
  const colon = metric.indexOf(':');
  const kind = colon < 0 ? metric : metric.slice(0, colon);
  if ((FEATURE_METRICS as readonly string[]).includes(kind)) {
    return colon > 0 && colon < metric.length - 1 ? undefined : `"${metric}" needs a feature name: ${kind}:<feature>`;
  }
  return `unknown metric "${metric}"; a rule reads one of ${WINDOW_METRICS.join(', ')} or <${FEATURE_METRICS.join('|')}>:<feature>`;
}

/** Whether a window's value of the rule's metric breaches it; a window without that metric does not. */
export function breaches(rule: MonitorRule, metrics: Readonly<Record<string, number>>): boolean {
  const value = metrics[rule.metric];
  if (value === undefined || Number.isNaN(value)) return false;
  switch (rule.op) {
    case '>':
      return value > rule.threshold;
    case '>=':
      return value >= rule.threshold;
    case '<':
      return value < rule.threshold;
    case '<=':
      return value <= rule.threshold;
  }
}

export type RuleVerdict = 'breach' | 'recovered' | 'pending' | 'unknown';

/**
 * What a rule says after the newest window. Windows without data (or that failed) neither breach nor
 * recover: they are skipped, so a quiet night between two drifting hours still counts as two in a row.
 * `breach`: the last `rule.windows` windows with data all breach; `recovered`: the newest one does not;
 * `pending`: it does, but not yet enough in a row; `unknown`: the newest window has no data.
 *
 * @param windows the monitor's windows, newest first.
 */
export function ruleVerdict(rule: MonitorRule, windows: readonly MonitorWindow[]): RuleVerdict {
  const newest = windows[0];
  if (newest === undefined || !hasData(newest)) return 'unknown';
  if (!breaches(rule, newest.metrics)) return 'recovered';
  let inARow = 0;
  for (const window of windows) {
    if (!hasData(window)) continue;
    if (!breaches(rule, window.metrics)) break;
    inARow++;
    if (inARow >= rule.windows) return 'breach';
  }
  return 'pending';
}

function hasData(window: MonitorWindow): boolean {
  return window.status === 'ok' || window.status === 'drift';
}

/** A problem with a request's value, and where it is (a JSON Pointer). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Checks rules; returns the first problem, naming the rule and field. */
export function rulesProblem(rules: readonly MonitorRule[]): FieldProblem | undefined {
  for (const [i, rule] of rules.entries()) {
    const problem = metricNameProblem(rule.metric);
    if (problem !== undefined) return { field: `/rules/${i}/metric`, message: problem };
    if (!OPERATORS.includes(rule.op)) {
      return { field: `/rules/${i}/op`, message: `op must be one of ${OPERATORS.join(' ')}, not "${rule.op}"` };
    }
    if (!Number.isFinite(rule.threshold)) {
      return { field: `/rules/${i}/threshold`, message: `threshold must be a finite number` };
    }
    if (!Number.isInteger(rule.windows) || rule.windows < 1 || rule.windows > 1000) {
      return { field: `/rules/${i}/windows`, message: `windows must be a whole number from 1 to 1000` };
    }
  }
  return undefined;
}

/**
 * Checks a webhook URL against the operator's allow-list: an `http(s)` URL that starts with one of
 * `allowed` (prefixes such as `https://hooks.example.com/`). With no allow-list, no webhook is allowed:
 * a monitor must not be able to make the server call anywhere its operator did not choose.
 */
export function webhookUrlProblem(url: string, allowed: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `"${url}" is not an http(s) URL`;
  }
  if (parsed.username !== '' || parsed.password !== '') return `"${url}" must not carry credentials`;
  if (allowed.length === 0) {
    return `"${url}" is not allowed: this server allows no webhook URLs (its operator sets LOOM_WEBHOOK_ALLOW)`;
  }
  if (!allowed.some((prefix) => parsed.href.startsWith(prefix))) {
    return `"${url}" is not allowed: webhook URLs must start with one of ${allowed.join(', ')} (LOOM_WEBHOOK_ALLOW)`;
  }
  return undefined;
}

/** Checks actions' shape and webhook URLs; the pipeline a run action names is checked against the store. */
export function actionsProblem(
  actions: readonly MonitorAction[],
  allowedWebhooks: readonly string[],
): FieldProblem | undefined {
  for (const [i, action] of actions.entries()) {
    if (action.kind === 'webhook') {
      const problem = webhookUrlProblem(action.url, allowedWebhooks);
      if (problem !== undefined) return { field: `/actions/${i}/url`, message: problem };
    }
  }
  return undefined;
}
