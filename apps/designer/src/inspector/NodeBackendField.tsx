import type { Diagnostic } from '@loom/graph';
import type { CatalogNode } from '@loom/sdk';
import { type Backend, backendChoices, backendHint, effectiveBackend } from '../catalog/node-backend.ts';
import { useEditor } from '../store/editor-context.tsx';

/**
 * "Runs on": where a node's steps run, as a component's run settings in Azure ML Designer. The default
 * choice removes the node's `backend`, so it follows its type's (a newer version may change it).
 * `problem` is what the compiler says of the node's `backend` (a GPU type sent to CPU workers).
 */
export function NodeBackendField({
  nodeId,
  backend,
  entry,
  problem,
}: {
  nodeId: string;
  backend: Backend | undefined;
  entry: CatalogNode | undefined;
  problem: Diagnostic | undefined;
}) {
  const setNodeBackend = useEditor((state) => state.setNodeBackend);
  const runsOn = effectiveBackend({ backend }, entry);
  const hint = runsOn === undefined ? undefined : backendHint(runsOn);
  return (
    <label className="field">
      <span className="field-label">Runs on</span>
      <select
        value={backend ?? ''}
        onChange={(event) => setNodeBackend(nodeId, (event.target.value || undefined) as Backend | undefined)}
        aria-invalid={problem !== undefined || undefined}
        aria-describedby="node-backend-help"
        data-testid="node-backend"
      >
        {backendChoices(entry).map((choice) => (
          <option key={choice.value} value={choice.value} disabled={choice.disabledReason !== undefined}>
            {choice.label}
            {choice.disabledReason === undefined ? '' : ` (${choice.disabledReason})`}
          </option>
        ))}
      </select>
      {problem !== undefined ? (
        <span className="field-error" id="node-backend-help" data-testid="node-backend-error">
          {problem.message}
        </span>
      ) : (
        hint !== undefined && (
          <span className="field-help" id="node-backend-help" data-testid="node-backend-hint">
            {hint.text} (needs <code>{hint.worker}</code>)
          </span>
        )
      )}
    </label>
  );
}
