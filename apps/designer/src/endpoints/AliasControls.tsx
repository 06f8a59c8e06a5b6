import type { Endpoint, ModelVersion } from '@loom/server/api-types';
import { type FormEvent, useState } from 'react';
import type { ModelSummary } from './endpoints-data.ts';
import { type ModelEvent, rollbackTarget } from './model-facts.ts';

/** The alias a new one is offered as: what deploy.endpoint moves by default. */
const DEFAULT_ALIAS = 'production';

/**
 * A model's aliases with a Roll back button each (naming where it goes, disabled when there is nowhere
 * to go), and a form that points an alias (new or existing) at a version.
 */
export function AliasControls({
  model,
  versions,
  events,
  endpoint,
  busy,
  onRollback,
  onSetAlias,
}: {
  model: ModelSummary;
  versions: readonly ModelVersion[];
  events: readonly ModelEvent[];
  endpoint: Endpoint | undefined;
  busy: boolean;
  onRollback: (alias: string, from: number, to: number) => void;
  onSetAlias: (alias: string, version: number) => void;
}) {
  return (
    <section className="model-section" aria-label="Aliases">
      <h3 className="panel-section-title">Aliases</h3>
      {model.aliases.length === 0 ? (
        <div className="empty-note">No alias yet: point one at a version to serve it.</div>
      ) : (
        <ul className="alias-list">
          {model.aliases.map(({ alias, version }) => {
            const target = rollbackTarget(events, alias);
            return (
              <li key={alias} className="alias-row" data-testid={`alias-${alias}`}>
                <span className="alias-name">{alias}</span>
                <span className="alias-arrow" aria-hidden="true">
                  →
                </span>
                <strong data-testid="alias-version">v{version}</strong>
                {endpoint?.alias === alias && <span className="tag">endpoint</span>}
                <button
                  type="button"
                  className="button small alias-rollback"
                  disabled={busy || target === undefined}
                  title={
                    target === undefined
                      ? `${alias} has pointed at v${version} since it was set: there is no earlier version`
                      : `Move ${alias} back to v${target}${endpoint?.alias === alias ? ', ending any canary split' : ''}`
                  }
                  onClick={() => target !== undefined && onRollback(alias, version, target)}
                  data-testid={`rollback-${alias}`}
                >
                  ↶ Roll back{target === undefined ? '' : ` to v${target}`}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <SetAliasForm
        key={model.name}
        aliases={model.aliases.map((entry) => entry.alias)}
        versions={versions}
        busy={busy}
        onSetAlias={onSetAlias}
      />
    </section>
  );
}

function SetAliasForm({
  aliases,
  versions,
  busy,
  onSetAlias,
}: {
  aliases: readonly string[];
  versions: readonly ModelVersion[];
  busy: boolean;
  onSetAlias: (alias: string, version: number) => void;
}) {
  const [alias, setAlias] = useState(aliases[0] ?? DEFAULT_ALIAS);
  const [version, setVersion] = useState(versions[0]?.version);
  const name = alias.trim();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name !== '' && version !== undefined) onSetAlias(name, version);
  };
  return (
    <form className="set-alias" onSubmit={submit} data-testid="set-alias-form">
      <span className="field-label">Point</span>
      <input
        aria-label="Alias"
        list="alias-names"
        value={alias}
        onChange={(event) => setAlias(event.target.value)}
        data-testid="set-alias-name"
      />
      <datalist id="alias-names">
        {aliases.map((known) => (
          <option key={known} value={known} />
        ))}
      </datalist>
      <span className="field-label">at</span>
      <select
        aria-label="Version"
        value={version ?? ''}
        onChange={(event) => setVersion(Number(event.target.value))}
        data-testid="set-alias-version"
      >
        {versions.map((candidate) => (
          <option key={candidate.version} value={candidate.version}>
            v{candidate.version}
            {candidate.aliases.length > 0 ? ` (${candidate.aliases.join(', ')})` : ''}
          </option>
        ))}
      </select>
      <button
        type="submit"
        className="button small"
        disabled={busy || name === '' || version === undefined}
        data-testid="set-alias-submit"
      >
        Set alias
      </button>
    </form>
  );
}
