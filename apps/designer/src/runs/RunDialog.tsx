import { type PipelineParameter, parseParameterText } from '@loom/graph';
import { type FormEvent, useState } from 'react';
import { Dialog } from '../app/Dialog.tsx';
import { useSession } from '../commands/use-commands.tsx';
import { useEditor } from '../store/editor-context.tsx';

type Value = string | number | boolean;

const NO_PARAMETERS: Readonly<Record<string, PipelineParameter>> = {};

/** Starts a run: a value for each pipeline parameter (defaults filled in) and whether to ignore the cache. */
export function RunDialog() {
  const session = useSession();
  const close = useEditor((state) => state.openDialog);
  const parameters = useEditor((state) => state.document.parameters) ?? NO_PARAMETERS;
  const problems = useEditor((state) => state.problems.diagnostics);
  const [values, setValues] = useState<Record<string, Value | undefined>>(() =>
    Object.fromEntries(Object.entries(parameters).map(([name, parameter]) => [name, parameter.default])),
  );
  const [noCache, setNoCache] = useState(false);
  const missing = Object.keys(parameters).filter((name) => values[name] === undefined || values[name] === '');
  const structural = problems.filter((problem) => !problem.code.startsWith('param.unset'));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (missing.length > 0) return;
    const given: Record<string, Value> = {};
    for (const [name, value] of Object.entries(values)) if (value !== undefined) given[name] = value;
    close(undefined);
    void session.run({ parameters: given, noCache });
  };

  return (
    <Dialog title="Run pipeline" testId="run-dialog">
      <form onSubmit={submit} className="run-form">
        {structural.length > 0 && (
          <div className="callout danger">
            {structural.length} problem{structural.length === 1 ? '' : 's'} to fix first; the server will refuse the
            run.
            <div className="callout-detail">{structural[0]?.message}</div>
          </div>
        )}
        {Object.keys(parameters).length === 0 && <p className="empty-note">This pipeline has no parameters.</p>}
        {Object.entries(parameters).map(([name, parameter]) => (
          <ParameterInput
            key={name}
            name={name}
            parameter={parameter}
            value={values[name]}
            onChange={(value) => setValues((current) => ({ ...current, [name]: value }))}
          />
        ))}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={noCache}
            onChange={(event) => setNoCache(event.target.checked)}
            data-testid="run-no-cache"
          />
          Ignore cached results (run every step)
        </label>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => close(undefined)}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={missing.length > 0} data-testid="run-submit">
            ▶ Run
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ParameterInput({
  name,
  parameter,
  value,
  onChange,
}: {
  name: string;
  parameter: PipelineParameter;
  value: Value | undefined;
  onChange: (value: Value | undefined) => void;
}) {
  const id = `run-param-${name}`;
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {name} <span className="field-type">{parameter.type}</span>
      </label>
      {parameter.enum !== undefined ? (
        <select
          id={id}
          value={String(value ?? '')}
          onChange={(event) => onChange(parse(parameter, event.target.value))}
          data-testid={id}
        >
          {parameter.enum.map((option) => (
            <option key={String(option)} value={String(option)}>
              {String(option)}
            </option>
          ))}
        </select>
      ) : parameter.type === 'boolean' ? (
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          onChange={(event) => onChange(event.target.checked)}
          data-testid={id}
        />
      ) : (
        <input
          id={id}
          type={parameter.type === 'string' ? 'text' : 'number'}
          step={parameter.type === 'integer' ? 1 : 'any'}
          value={value === undefined ? '' : String(value)}
          onChange={(event) => onChange(parse(parameter, event.target.value))}
          data-testid={id}
        />
      )}
      {parameter.description !== undefined && <div className="field-help">{parameter.description}</div>}
    </div>
  );
}

/** The value typed for a parameter, read as the CLI reads `-p name=value`; empty or unreadable text is no value. */
function parse(parameter: PipelineParameter, text: string): Value | undefined {
  if (text === '') return undefined;
  const read = parseParameterText(parameter, text);
  return read.ok ? read.value : undefined;
}
