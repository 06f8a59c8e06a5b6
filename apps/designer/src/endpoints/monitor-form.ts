/**
 * The "Add monitor" form as data: what the user typed, checked and turned into `POST /api/monitors`'s
 * body, and the server's refusals (a JSON Pointer into that body) led back to the field they name.
 */
import { type PipelineParameter, parseParameterText } from '@loom/graph';
import type { MonitorAction, MonitorCreate, MonitorRule } from '@loom/server/api-types';

export type WindowUnit = 's' | 'min' | 'h' | 'd';

export const WINDOW_UNITS: ReadonlyArray<{ unit: WindowUnit; seconds: number; label: string }> = [
  { unit: 's', seconds: 1, label: 'seconds' },
  { unit: 'min', seconds: 60, label: 'minutes' },
  { unit: 'h', seconds: 3_600, label: 'hours' },
  { unit: 'd', seconds: 86_400, label: 'days' },
];

export const RULE_OPERATORS: readonly MonitorRule['op'][] = ['>', '>=', '<', '<='];

/** One rule as typed: numbers stay text until the form is sent, so a half-typed "0." is kept. */
export interface RuleDraft {
  metric: string;
  op: MonitorRule['op'];
  threshold: string;
  windows: string;
}

export interface MonitorDraft {
  name: string;
  windowLength: string;
  windowUnit: WindowUnit;
  rules: RuleDraft[];
  /** Start a pipeline run when an alert opens: the retrain. */
  retrain: boolean;
  pipelineId: string;
  /** Parameter values as typed, by name; blank ones are left to the pipeline's defaults. */
  parameters: Record<string, string>;
  webhookUrl: string;
}

/** The server's own default rule: an alert when the dataset drifts (half its features or more) in a window. */
export const DEFAULT_RULE: RuleDraft = { metric: 'dataset_drift', op: '>=', threshold: '1', windows: '1' };

/** A fresh form: one-hour windows and the default rule. */
export function newMonitorDraft(): MonitorDraft {
  return {
    name: '',
    windowLength: '1',
    windowUnit: 'h',
    rules: [{ ...DEFAULT_RULE }],
    retrain: false,
    pipelineId: '',
    parameters: {},
    webhookUrl: '',
  };
}

/**
 * Where a problem shows in the form: `/name`, `/windowSeconds`, `/rules/<i>/<metric|op|threshold|windows>`,
 * `/retrain/pipelineId`, `/retrain/parameters/<name>`, `/webhook/url`, or `''` for the form as a whole.
 */
export type FormField = string;

export interface FormProblem {
  field: FormField;
  message: string;
}

/** Where each action goes in the body: the retrain first, then the webhook. */
function actionFields(draft: MonitorDraft): string[] {
  const fields: string[] = [];
  if (draft.retrain) fields.push('/retrain');
  if (draft.webhookUrl.trim() !== '') fields.push('/webhook');
  return fields;
}

/**
 * The request body for the form, or the first problem found before sending it (a number that is not
 * one, a missing pipeline). What only the server knows (metric names, pipeline parameters, the webhook
 * allow-list) it checks, and {@link fieldOfPointer} places its answer.
 *
 * @param parameterTypes the chosen pipeline's parameters, to read their values by type
 */
export function monitorRequest(
  model: string,
  draft: MonitorDraft,
  parameterTypes: Readonly<Record<string, PipelineParameter>> = {},
): { ok: true; body: MonitorCreate } | { ok: false; problem: FormProblem } {
  const fail = (field: string, message: string) => ({ ok: false as const, problem: { field, message } });
  const length = Number(draft.windowLength);
  const unit = WINDOW_UNITS.find((candidate) => candidate.unit === draft.windowUnit)?.seconds ?? 1;
  const windowSeconds = length * unit;
  if (draft.windowLength.trim() === '' || !Number.isInteger(windowSeconds) || windowSeconds < 1) {
    return fail('/windowSeconds', 'the window must be a whole number of seconds, at least one');
  }
  const rules: MonitorCreate['rules'] = [];
  for (const [index, rule] of draft.rules.entries()) {
    const at = `/rules/${index}`;
    if (rule.metric.trim() === '') return fail(`${at}/metric`, 'name the metric the rule reads');
    const threshold = rule.threshold.trim() === '' ? Number.NaN : Number(rule.threshold);
    if (!Number.isFinite(threshold))
      return fail(`${at}/threshold`, `the threshold must be a number, not "${rule.threshold}"`);
    const windows = Number(rule.windows);
    if (!Number.isInteger(windows) || windows < 1 || windows > 1000) {
      return fail(`${at}/windows`, 'windows in a row: a whole number from 1 to 1000');
    }
    rules.push({ metric: rule.metric.trim(), op: rule.op, threshold, windows });
  }
  const actions: MonitorAction[] = [];
  if (draft.retrain) {
    if (draft.pipelineId === '') return fail('/retrain/pipelineId', 'choose the pipeline to run');
    const parameters: Record<string, string | number | boolean> = {};
    for (const [name, text] of Object.entries(draft.parameters)) {
      if (text.trim() === '') continue;
      const declared = parameterTypes[name];
      const parsed =
        declared === undefined ? { ok: true as const, value: text } : parseParameterText(declared, text.trim());
      if (!parsed.ok) return fail(`/retrain/parameters/${name}`, parsed.message);
      parameters[name] = parsed.value;
    }
    actions.push({
      kind: 'run',
      pipelineId: draft.pipelineId,
      ...(Object.keys(parameters).length === 0 ? {} : { parameters }),
    });
  }
  const url = draft.webhookUrl.trim();
  if (url !== '') actions.push({ kind: 'webhook', url });
  const name = draft.name.trim();
  return {
    ok: true,
    body: {
      model,
      windowSeconds,
      ...(name === '' ? {} : { name }),
      // No rules: the server's default, which is the rule the form starts with anyway.
      ...(rules.length === 0 ? {} : { rules }),
      ...(actions.length === 0 ? {} : { actions }),
    },
  };
}

/**
 * The form field a server problem names, from its JSON Pointer into the body the form sent (see
 * {@link monitorRequest}): `/actions/0/url` is the webhook's field when no retrain came before it.
 */
export function fieldOfPointer(pointer: string, draft: MonitorDraft): FormField {
  if (pointer === '/name' || pointer === '/windowSeconds') return pointer;
  const rule = /^\/rules\/(\d+)(?:\/(metric|op|threshold|windows))?/.exec(pointer);
  if (rule !== null) return rule[2] === undefined ? '' : `/rules/${rule[1]}/${rule[2]}`;
  const action = /^\/actions\/(\d+)(\/.*)?$/.exec(pointer);
  const owner = action === null ? undefined : actionFields(draft)[Number(action[1])];
  if (owner === '/webhook') return '/webhook/url';
  if (owner === '/retrain') {
    const rest = action?.[2] ?? '';
    if (rest.startsWith('/parameters/')) return `/retrain${rest}`;
    return '/retrain/pipelineId';
  }
  return '';
}
