import { pointer } from '@loom/graph';
import { type KeyboardEvent, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { availableUpgrade } from '../catalog/node-upgrade.ts';
import { columnParamsOf, columnsOfInput, type ResolvedColumns } from '../columns/column-resolution.ts';
import { commandById } from '../commands/editor-commands.ts';
import { useRunCommand } from '../commands/use-commands.tsx';
import { CacheBadge } from '../runs/CacheBadge.tsx';
import { nodeIdProblem } from '../store/document-ids.ts';
import { canvasIds } from '../store/document-slice.ts';
import { useEditor } from '../store/editor-context.tsx';
import { NodeBackendField } from './NodeBackendField.tsx';
import { SchemaForm } from './SchemaForm.tsx';

/** Settings of one node: label, version, parameters (drawn from its schema), comment, where it runs, run actions. */
export function NodeInspector({ nodeId }: { nodeId: string }) {
  const node = useEditor((state) => state.document.nodes.find((candidate) => candidate.id === nodeId));
  const nodeIndex = useEditor((state) => state.document.nodes.findIndex((candidate) => candidate.id === nodeId));
  const catalog = useEditor((state) => state.catalog.catalog);
  const parameters = useEditor((state) => state.document.parameters);
  const problems = useEditor((state) => state.problems.byNode.get(nodeId));
  const step = useEditor((state) => state.runView?.steps[nodeId]);
  const { setNodeParam, setNodeUi, setNodeVersion, openDrawer } = useEditor(
    useShallow((state) => ({
      setNodeParam: state.setNodeParam,
      setNodeUi: state.setNodeUi,
      setNodeVersion: state.setNodeVersion,
      openDrawer: state.openDrawer,
    })),
  );
  const runCommand = useRunCommand();
  const document = useEditor((state) => state.document);
  const knownColumns = useEditor((state) => state.knownColumns);

  const entry = catalog.nodes.find((candidate) => candidate.type === node?.type && candidate.version === node?.version);
  const versions = catalog.nodes
    .filter((candidate) => candidate.type === node?.type)
    .map((candidate) => candidate.version);
  const paramsPath = pointer('nodes', nodeIndex, 'params');
  const errors = useMemo(() => {
    const byPath: Record<string, string> = {};
    for (const problem of problems ?? []) {
      if (problem.path?.startsWith(paramsPath)) byPath[problem.path.slice(paramsPath.length) || '/'] = problem.message;
    }
    return byPath;
  }, [problems, paramsPath]);

  // By input port: the columns reaching it, for the fields that name columns of it.
  const columnInputs = useMemo(() => {
    const inputs = new Map<string, ResolvedColumns>();
    if (entry === undefined) return inputs;
    for (const { input } of columnParamsOf(entry)) {
      if (inputs.has(input)) continue;
      const resolved = columnsOfInput(document, catalog, knownColumns, nodeId, input);
      if (resolved !== undefined) inputs.set(input, resolved);
    }
    return inputs;
  }, [entry, document, catalog, knownColumns, nodeId]);
  const columnLists = useMemo(
    () => Object.fromEntries([...columnInputs.keys()].map((input) => [input, columnListId(nodeId, input)])),
    [columnInputs, nodeId],
  );

  if (node === undefined) return null;
  const upgrade = availableUpgrade(catalog, node);
  // The compiler's word on the node's backend shows under "Runs on", the rest above the parameters.
  const backendPath = pointer('nodes', nodeIndex, 'backend');
  const backendProblem = problems?.find((problem) => problem.path === backendPath);
  const otherProblems = (problems ?? []).filter(
    (problem) => !problem.path?.startsWith(`${paramsPath}/`) && problem !== backendProblem,
  );

  return (
    <div className="inspector-body" data-testid="node-inspector">
      <div className="panel-header">
        <span className={`category-dot category-${entry?.category ?? 'unknown'}`} />
        {entry?.title ?? node.type}
      </div>
      {entry?.description !== undefined && <p className="inspector-description">{entry.description}</p>}

      <label className="field">
        <span className="field-label">Label</span>
        <input
          value={node.ui?.label ?? ''}
          placeholder={entry?.title ?? node.type}
          onChange={(event) => setNodeUi(nodeId, { label: event.target.value })}
          data-testid="node-label"
        />
      </label>
      <div className="field-row">
        <NodeIdField nodeId={nodeId} />
        <label className="field">
          <span className="field-label">Version</span>
          <select
            value={node.version}
            onChange={(event) => setNodeVersion(nodeId, event.target.value)}
            disabled={versions.length < 2}
          >
            {(versions.includes(node.version) ? versions : [node.version, ...versions]).map((version) => (
              <option key={version} value={version}>
                {version}
                {versions.includes(version) ? '' : ' (not installed)'}
              </option>
            ))}
          </select>
        </label>
      </div>

      {upgrade !== undefined && (
        <div className="upgrade-notice" data-testid="upgrade-notice">
          <span>
            Version {node.version}
            {entry === undefined ? ' (not installed)' : ''} — {upgrade} available
          </span>
          <button
            type="button"
            className="button small primary"
            onClick={() => runCommand(commandById('edit.upgrade-node'))}
            title="Moves the node to the newest version, carrying its parameters over; undo brings the old ones back"
            data-testid="upgrade-node"
          >
            Upgrade node
          </button>
        </div>
      )}

      {otherProblems.length > 0 && (
        <ul className="inspector-problems">
          {otherProblems.map((problem) => (
            <li key={`${problem.code}-${problem.path ?? ''}`}>{problem.message}</li>
          ))}
        </ul>
      )}

      <div className="panel-section-title">Parameters</div>
      {entry === undefined ? (
        <p className="empty-note">This node type is not installed on the server, so its parameters cannot be shown.</p>
      ) : (
        <SchemaForm
          schema={entry.params}
          value={node.params ?? {}}
          onChange={(name, value) => setNodeParam(nodeId, name, value)}
          parameters={parameters ?? {}}
          errors={errors}
          idPrefix={`node-${nodeId}`}
          columnLists={columnLists}
        />
      )}
      {[...columnInputs].map(([input, resolved]) => (
        <datalist key={input} id={columnListId(nodeId, input)} data-testid={`columns-${input}`}>
          {resolved.columns.map((column) => (
            <option key={column} value={column} />
          ))}
        </datalist>
      ))}

      <label className="field">
        <span className="field-label">Comment</span>
        <textarea
          rows={2}
          value={node.ui?.comment ?? ''}
          placeholder="A note shown on the node"
          onChange={(event) => setNodeUi(nodeId, { comment: event.target.value })}
          data-testid="node-comment"
        />
      </label>

      <div className="panel-section-title">Run</div>
      <NodeBackendField nodeId={nodeId} backend={node.backend} entry={entry} problem={backendProblem} />
      <CacheBadge nodeId={nodeId} />
      <div className="button-row">
        <button
          type="button"
          className="button small"
          onClick={() => runCommand(commandById('run.from-here'))}
          data-testid="run-from-here"
        >
          Run from here
        </button>
        <button
          type="button"
          className="button small"
          onClick={() => runCommand(commandById('run.only-this'))}
          data-testid="run-only-this"
        >
          Run only this
        </button>
        {step !== undefined && (
          <button type="button" className="button small" onClick={() => openDrawer(nodeId)} data-testid="open-step">
            Logs &amp; outputs
          </button>
        )}
      </div>
    </div>
  );
}

function columnListId(nodeId: string, input: string): string {
  return `columns-${nodeId}-${input}`;
}

/**
 * The node's id, editable: checked as it is typed, applied on Enter or when the field loses focus,
 * and put back by Esc (or by leaving the field with an id that cannot be used).
 */
function NodeIdField({ nodeId }: { nodeId: string }) {
  const renameNode = useEditor((state) => state.renameNode);
  const document = useEditor((state) => state.document);
  const taken = useMemo(() => canvasIds(document), [document]);
  const [text, setText] = useState(nodeId);
  const problem = nodeIdProblem(text, nodeId, taken);
  const apply = () => {
    if (text === nodeId) return;
    if (problem !== undefined || renameNode(nodeId, text) !== undefined) setText(nodeId);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      apply();
    } else if (event.key === 'Escape') setText(nodeId);
  };
  return (
    <label className="field">
      <span className="field-label">Id</span>
      <input
        className="is-mono"
        value={text}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={problem !== undefined || undefined}
        aria-describedby="node-id-help"
        onChange={(event) => setText(event.target.value.trim())}
        onKeyDown={onKeyDown}
        onBlur={apply}
        data-testid="node-id"
      />
      {problem === undefined ? (
        <span className="field-help" id="node-id-help">
          Used in references and messages; letters, digits, _, . and -
        </span>
      ) : (
        <span className="field-error" id="node-id-help" data-testid="node-id-error">
          {problem}
        </span>
      )}
    </label>
  );
}
