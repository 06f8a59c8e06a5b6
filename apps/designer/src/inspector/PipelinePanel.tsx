import { type PipelineParameter, parseParameterText } from '@loom/graph';
import { useState } from 'react';
import { useEditor } from '../store/editor-context.tsx';

const TYPES: PipelineParameter['type'][] = ['number', 'integer', 'string', 'boolean'];
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The pipeline's name, description and parameters (what node parameters can be bound to). */
export function PipelinePanel() {
  const document = useEditor((state) => state.document);
  const setInfo = useEditor((state) => state.setPipelineInfo);
  const setParameter = useEditor((state) => state.setPipelineParameter);
  const [newName, setNewName] = useState('');
  const parameters = Object.entries(document.parameters ?? {});
  const nameTaken = newName !== '' && document.parameters?.[newName] !== undefined;
  const nameValid = NAME.test(newName) && !nameTaken;

  return (
    <div className="inspector-body" data-testid="pipeline-panel">
      <div className="panel-header">Pipeline</div>
      <label className="field">
        <span className="field-label">Name</span>
        <input
          value={document.name}
          onChange={(event) => setInfo({ name: event.target.value })}
          data-testid="pipeline-name"
        />
      </label>
      <label className="field">
        <span className="field-label">Description</span>
        <textarea
          rows={3}
          value={document.description ?? ''}
          onChange={(event) => setInfo({ description: event.target.value })}
          data-testid="pipeline-description"
        />
      </label>

      <div className="panel-section-title">Parameters</div>
      <p className="field-help">
        Values chosen when a run starts. Bind a node parameter to one in the node’s settings.
      </p>
      {parameters.map(([name, parameter]) => (
        <ParameterRow key={name} name={name} parameter={parameter} onChange={(next) => setParameter(name, next)} />
      ))}
      <form
        className="add-parameter"
        onSubmit={(event) => {
          event.preventDefault();
          if (!nameValid) return;
          setParameter(newName, { type: 'number', default: 0 });
          setNewName('');
        }}
      >
        <input
          placeholder="new_parameter"
          aria-label="New parameter name"
          value={newName}
          onChange={(event) => setNewName(event.target.value)}
          data-testid="new-parameter-name"
        />
        <button type="submit" className="button small" disabled={!nameValid} data-testid="add-parameter">
          Add
        </button>
      </form>
      {newName !== '' && !nameValid && (
        <div className="field-error">
          {nameTaken ? 'A parameter has this name already' : 'Letters, digits, _ . - only; start with a letter'}
        </div>
      )}
    </div>
  );
}

function ParameterRow({
  name,
  parameter,
  onChange,
}: {
  name: string;
  parameter: PipelineParameter;
  onChange: (next: PipelineParameter | undefined) => void;
}) {
  const setDefault = (text: string) => {
    const next = { ...parameter };
    if (text === '') delete next.default;
    else {
      const read = parseParameterText(parameter, text);
      if (!read.ok) return;
      next.default = read.value;
    }
    onChange(next);
  };
  return (
    <div className="parameter-row" data-testid={`parameter-${name}`}>
      <div className="parameter-row-head">
        <code>{name}</code>
        <select
          aria-label={`${name} type`}
          value={parameter.type}
          onChange={(event) => {
            const { default: _old, ...rest } = parameter;
            onChange({ ...rest, type: event.target.value as PipelineParameter['type'] });
          }}
        >
          {TYPES.map((type) => (
            <option key={type}>{type}</option>
          ))}
        </select>
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove parameter ${name}`}
          onClick={() => onChange(undefined)}
        >
          ×
        </button>
      </div>
      {parameter.type === 'boolean' ? (
        <select
          aria-label={`${name} default`}
          value={String(parameter.default ?? '')}
          onChange={(event) => setDefault(event.target.value)}
        >
          <option value="">(no default)</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : (
        <input
          aria-label={`${name} default`}
          type={parameter.type === 'string' ? 'text' : 'number'}
          step={parameter.type === 'integer' ? 1 : 'any'}
          placeholder="default"
          defaultValue={parameter.default === undefined ? '' : String(parameter.default)}
          onChange={(event) => setDefault(event.target.value)}
          data-testid={`parameter-${name}-default`}
        />
      )}
      <input
        aria-label={`${name} description`}
        placeholder="description"
        value={parameter.description ?? ''}
        onChange={(event) => {
          const next = { ...parameter };
          if (event.target.value === '') delete next.description;
          else next.description = event.target.value;
          onChange(next);
        }}
      />
    </div>
  );
}
