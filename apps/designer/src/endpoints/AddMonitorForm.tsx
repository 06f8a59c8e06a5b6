import type { PipelineParameter } from '@loom/graph';
import type { MonitorCreated, PipelineList } from '@loom/server/api-types';
import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { ApiError, type LoomApi } from '../api/loom-api.ts';
import {
  DEFAULT_RULE,
  type FormProblem,
  fieldOfPointer,
  type MonitorDraft,
  monitorRequest,
  newMonitorDraft,
  RULE_OPERATORS,
  type RuleDraft,
  WINDOW_UNITS,
  type WindowUnit,
} from './monitor-form.ts';
import { describeRule, OPERATOR_TEXT, ruleMetricNames } from './monitors-data.ts';

type FormApi = Pick<LoomApi, 'createMonitor' | 'listPipelines' | 'getPipeline'>;

/**
 * "Add monitor": the window length, the rules (the default one first: the dataset drifts), an optional
 * retrain (a pipeline and its parameters) and an optional webhook. The server checks what only it
 * knows; its refusal shows beside the field it names.
 */
export function AddMonitorForm({
  api,
  model,
  features,
  onCreated,
  onCancel,
}: {
  api: FormApi;
  model: string;
  /** The model's inputs, for the rule metrics offered. */
  features: readonly string[];
  onCreated: (created: MonitorCreated) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<MonitorDraft>(newMonitorDraft);
  const [problem, setProblem] = useState<FormProblem | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [pipelines, setPipelines] = useState<PipelineList['pipelines'] | undefined>(undefined);
  const [parameters, setParameters] = useState<Record<string, PipelineParameter>>({});
  const metricsId = useId();

  useEffect(() => {
    if (!draft.retrain || pipelines !== undefined) return;
    let current = true;
    api.listPipelines().then(
      (list) => current && setPipelines(list.pipelines),
      (cause: Error) => current && setProblem({ field: '/retrain/pipelineId', message: cause.message }),
    );
    return () => {
      current = false;
    };
  }, [api, draft.retrain, pipelines]);

  useEffect(() => {
    setParameters({});
    if (draft.pipelineId === '') return;
    let current = true;
    api.getPipeline(draft.pipelineId).then(
      (pipeline) => current && setParameters(pipeline.document.parameters ?? {}),
      (cause: Error) => current && setProblem({ field: '/retrain/pipelineId', message: cause.message }),
    );
    return () => {
      current = false;
    };
  }, [api, draft.pipelineId]);

  const change = (changes: Partial<MonitorDraft>) => setDraft((previous) => ({ ...previous, ...changes }));
  const changeRule = (index: number, changes: Partial<RuleDraft>) =>
    setDraft((previous) => ({
      ...previous,
      rules: previous.rules.map((rule, i) => (i === index ? { ...rule, ...changes } : rule)),
    }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const request = monitorRequest(model, draft, parameters);
    if (!request.ok) {
      setProblem(request.problem);
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      onCreated(await api.createMonitor(request.body));
    } catch (cause) {
      const pointer = cause instanceof ApiError ? cause.problems[0]?.path : undefined;
      setProblem({
        field: pointer === undefined ? '' : fieldOfPointer(pointer, draft),
        message: (cause as Error).message,
      });
    } finally {
      setBusy(false);
    }
  };

  const problemAt = (field: string): ReactNode =>
    problem?.field === field ? (
      <div className="field-error" role="alert" data-testid={`monitor-problem${field.replaceAll('/', '-')}`}>
        {problem.message}
      </div>
    ) : null;
  const invalid = (field: string) => (problem?.field === field ? true : undefined);

  return (
    <form className="monitor-form" onSubmit={(event) => void submit(event)} data-testid="monitor-form">
      <div className="field-row">
        <label className="field">
          <span className="field-label">Name</span>
          <input
            value={draft.name}
            placeholder={`${model} drift`}
            onChange={(event) => change({ name: event.target.value })}
            aria-invalid={invalid('/name')}
            data-testid="monitor-name"
          />
          {problemAt('/name')}
        </label>
        <div className="field">
          <span className="field-label">Window</span>
          <div className="monitor-window-input">
            <input
              aria-label="Window length"
              inputMode="numeric"
              value={draft.windowLength}
              onChange={(event) => change({ windowLength: event.target.value })}
              aria-invalid={invalid('/windowSeconds')}
              data-testid="monitor-window-length"
            />
            <select
              aria-label="Window unit"
              value={draft.windowUnit}
              onChange={(event) => change({ windowUnit: event.target.value as WindowUnit })}
              data-testid="monitor-window-unit"
            >
              {WINDOW_UNITS.map(({ unit, label }) => (
                <option key={unit} value={unit}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          {problemAt('/windowSeconds')}
        </div>
      </div>

      <fieldset className="monitor-fieldset">
        <legend className="field-label">Alert when</legend>
        <datalist id={metricsId}>
          {ruleMetricNames(features).map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        {draft.rules.length === 0 && (
          <p className="field-help">No rule of its own: the server alerts when the dataset drifts.</p>
        )}
        {draft.rules.map((rule, index) => {
          const at = `/rules/${index}`;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: a rule has no identity but its place, as the server's pointers name it
            <div key={index} className="monitor-rule" data-testid={`monitor-rule-${index}`}>
              <input
                aria-label="Metric"
                list={metricsId}
                value={rule.metric}
                onChange={(event) => changeRule(index, { metric: event.target.value })}
                aria-invalid={invalid(`${at}/metric`)}
                data-testid="rule-metric"
              />
              <select
                aria-label="Comparison"
                value={rule.op}
                onChange={(event) => changeRule(index, { op: event.target.value as RuleDraft['op'] })}
                data-testid="rule-op"
              >
                {RULE_OPERATORS.map((op) => (
                  <option key={op} value={op}>
                    {OPERATOR_TEXT[op]}
                  </option>
                ))}
              </select>
              <input
                aria-label="Threshold"
                className="monitor-rule-number"
                value={rule.threshold}
                onChange={(event) => changeRule(index, { threshold: event.target.value })}
                aria-invalid={invalid(`${at}/threshold`)}
                data-testid="rule-threshold"
              />
              <label className="monitor-rule-windows">
                in
                <input
                  aria-label="Windows in a row"
                  className="monitor-rule-number"
                  value={rule.windows}
                  onChange={(event) => changeRule(index, { windows: event.target.value })}
                  aria-invalid={invalid(`${at}/windows`)}
                  data-testid="rule-windows"
                />
                window{rule.windows === '1' ? '' : 's'} in a row
              </label>
              <button
                type="button"
                className="icon-button"
                aria-label="Remove the rule"
                onClick={() => change({ rules: draft.rules.filter((_, i) => i !== index) })}
              >
                ×
              </button>
              <span className="pick-meta monitor-rule-text">
                {Number.isFinite(Number(rule.threshold)) && rule.threshold.trim() !== ''
                  ? describeRule({ ...rule, threshold: Number(rule.threshold), windows: Number(rule.windows) || 1 })
                  : ''}
              </span>
              {problemAt(`${at}/metric`)}
              {problemAt(`${at}/threshold`)}
              {problemAt(`${at}/windows`)}
            </div>
          );
        })}
        <button
          type="button"
          className="button small"
          onClick={() => change({ rules: [...draft.rules, { ...DEFAULT_RULE, metric: '', threshold: '' }] })}
          data-testid="monitor-add-rule"
        >
          + Rule
        </button>
      </fieldset>

      <fieldset className="monitor-fieldset">
        <legend className="field-label">When an alert opens</legend>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.retrain}
            onChange={(event) => change({ retrain: event.target.checked })}
            data-testid="monitor-retrain"
          />
          Start a pipeline run (the retrain)
        </label>
        {draft.retrain && (
          <div className="monitor-retrain">
            <label className="field">
              <span className="field-label">Pipeline</span>
              <select
                value={draft.pipelineId}
                onChange={(event) => change({ pipelineId: event.target.value, parameters: {} })}
                aria-invalid={invalid('/retrain/pipelineId')}
                data-testid="monitor-pipeline"
              >
                <option value="">{pipelines === undefined ? 'Loading pipelines…' : 'Choose a pipeline'}</option>
                {pipelines?.map((pipeline) => (
                  <option key={pipeline.id} value={pipeline.id}>
                    {pipeline.name}
                  </option>
                ))}
              </select>
              {problemAt('/retrain/pipelineId')}
            </label>
            {Object.entries(parameters).map(([name, parameter]) => (
              <label key={name} className="field">
                <span className="field-label">
                  {name} <span className="field-type">{parameter.type}</span>
                </span>
                <input
                  value={draft.parameters[name] ?? ''}
                  placeholder={parameter.default === undefined ? '' : `default ${String(parameter.default)}`}
                  onChange={(event) => change({ parameters: { ...draft.parameters, [name]: event.target.value } })}
                  aria-invalid={invalid(`/retrain/parameters/${name}`)}
                  data-testid={`monitor-parameter-${name}`}
                />
                {problemAt(`/retrain/parameters/${name}`)}
              </label>
            ))}
          </div>
        )}
        <label className="field">
          <span className="field-label">Webhook URL (optional)</span>
          <input
            inputMode="url"
            value={draft.webhookUrl}
            placeholder="https://hooks.example.com/loom"
            onChange={(event) => change({ webhookUrl: event.target.value })}
            aria-invalid={invalid('/webhook/url')}
            data-testid="monitor-webhook"
          />
          {problemAt('/webhook/url')}
        </label>
      </fieldset>

      {problemAt('')}
      <div className="button-row">
        <button type="submit" className="button primary small" disabled={busy} data-testid="monitor-create">
          Add monitor
        </button>
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
