import { type PipelineParameter, parseParameterText } from '@loom/graph';
import type { Trigger } from '@loom/server/api-types';
import { type FormEvent, useState } from 'react';
import { describeCron, knownTimeZones, localTimeZone } from './trigger-facts.ts';

type Value = string | number | boolean;

/** What the form gives back: only the parameters given a value (the others keep the pipeline's defaults). */
export interface TriggerFormValues {
  name: string;
  cron?: string;
  timezone?: string;
  parameters: Record<string, Value>;
}

const CRON_EXAMPLES = [
  ['0 3 * * *', 'every night at 03:00'],
  ['*/15 * * * *', 'every 15 minutes'],
  ['30 6 * * 1-5', 'weekdays at 06:30'],
] as const;

/**
 * Creates or edits one trigger: its name, for a schedule the cron expression and time zone, and
 * values for the pipeline's parameters. The server checks it all and its 400 (naming the field) is
 * shown as `error`.
 */
export function TriggerForm({
  kind,
  initial,
  parameters,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  kind: Trigger['kind'];
  /** The trigger being edited; absent for a new one. */
  initial?: Trigger;
  parameters: Readonly<Record<string, PipelineParameter>>;
  busy: boolean;
  error: string | undefined;
  onSubmit: (values: TriggerFormValues) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(initial?.name ?? (kind === 'schedule' ? 'nightly' : 'git-push'));
  const [cron, setCron] = useState(initial?.cron ?? '0 3 * * *');
  const [timezone, setTimezone] = useState(initial?.timezone ?? localTimeZone());
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(Object.entries(initial?.parameters ?? {}).map(([key, value]) => [key, String(value)])),
  );
  const read = readParameters(parameters, texts);
  const words = describeCron(cron);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (read.fault !== undefined) return;
    onSubmit({ name, parameters: read.values, ...(kind === 'schedule' ? { cron, timezone } : {}) });
  };

  return (
    <form className="trigger-form" onSubmit={submit} data-testid="trigger-form">
      <h3>{initial === undefined ? `New ${kind}` : `Edit “${initial.name}”`}</h3>
      <div className="field">
        <label className="field-label" htmlFor="trigger-name">
          Name
        </label>
        <input id="trigger-name" value={name} onChange={(e) => setName(e.target.value)} data-testid="trigger-name" />
      </div>
      {kind === 'schedule' && (
        <div className="field-row">
          <div className="field">
            <label className="field-label" htmlFor="trigger-cron">
              Cron <span className="field-type">minute hour day month weekday</span>
            </label>
            <input
              id="trigger-cron"
              className="is-mono"
              value={cron}
              onChange={(e) => setCron(e.target.value)}
              data-testid="trigger-cron"
            />
            <div className="field-help" data-testid="trigger-cron-words">
              {words ?? 'Checked by the server when saved.'}{' '}
              {CRON_EXAMPLES.map(([example, label]) => (
                <button key={example} type="button" className="chip" title={label} onClick={() => setCron(example)}>
                  {example}
                </button>
              ))}
            </div>
          </div>
          <div className="field">
            <label className="field-label" htmlFor="trigger-timezone">
              Time zone
            </label>
            <input
              id="trigger-timezone"
              list="trigger-timezones"
              value={timezone}
              onChange={(e) => setTimezone(e.target.value)}
              data-testid="trigger-timezone"
            />
            <datalist id="trigger-timezones">
              {knownTimeZones().map((zone) => (
                <option key={zone} value={zone} />
              ))}
            </datalist>
          </div>
        </div>
      )}
      {Object.keys(parameters).length > 0 && (
        <fieldset className="trigger-parameters">
          <legend className="field-label">Parameters (empty: the pipeline’s default)</legend>
          {Object.entries(parameters).map(([key, parameter]) => (
            <div className="field" key={key}>
              <label className="field-label" htmlFor={`trigger-param-${key}`}>
                {key} <span className="field-type">{parameter.type}</span>
              </label>
              <input
                id={`trigger-param-${key}`}
                value={texts[key] ?? ''}
                placeholder={parameter.default === undefined ? '' : String(parameter.default)}
                onChange={(e) => setTexts((current) => ({ ...current, [key]: e.target.value }))}
                data-testid={`trigger-param-${key}`}
              />
            </div>
          ))}
        </fieldset>
      )}
      {(read.fault ?? error) !== undefined && (
        <div className="field-error" role="alert" data-testid="trigger-form-error">
          {read.fault ?? error}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={busy} data-testid="trigger-save">
          {initial === undefined ? `Create ${kind}` : 'Save'}
        </button>
      </div>
    </form>
  );
}

/** The parameter texts read as the pipeline declares them; the first that does not read is the fault. */
function readParameters(
  parameters: Readonly<Record<string, PipelineParameter>>,
  texts: Record<string, string>,
): { values: Record<string, Value>; fault?: string } {
  const values: Record<string, Value> = {};
  for (const [key, text] of Object.entries(texts)) {
    const parameter = parameters[key];
    if (text === '' || parameter === undefined) continue;
    const read = parseParameterText(parameter, text);
    if (!read.ok) return { values, fault: `${key}: ${read.message}` };
    values[key] = read.value;
  }
  return { values };
}
