import { Handle, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import { backendBadge } from '../catalog/node-backend.ts';
import { useEditor } from '../store/editor-context.tsx';
import type { PipelineFlowNode } from './flow-elements.ts';
import { usePortColor } from './port-colors.tsx';
import { STATUS_LABEL } from './status-labels.ts';

/**
 * A pipeline node on the canvas: title, type, typed ports, run status, problems, and where it runs when
 * that is not its type's default. It subscribes only
 * to its own step and its own problems, so a run event or an edit re-renders the nodes it concerns.
 */
export const PipelineNodeView = memo(function PipelineNodeView({ id, data, selected }: NodeProps<PipelineFlowNode>) {
  const { node, entry, upgrade } = data;
  const step = useEditor((state) => state.runView?.steps[id]);
  const problems = useEditor((state) => state.problems.byNode.get(id));
  const portColor = usePortColor();
  const status = step?.status;
  const title = node.ui?.label ?? entry?.title ?? node.type;
  const progress = status === 'running' ? step?.progress?.fraction : undefined;
  // From the node and its entry alone: it changes only with them, which re-render the node anyway.
  const backend = backendBadge(node, entry);

  return (
    <div
      className={`pipeline-node${selected ? ' is-selected' : ''}${problems === undefined ? '' : ' has-problems'}${status === undefined ? '' : ` status-${status}`}`}
      data-testid={`node-${id}`}
      data-status={status ?? 'none'}
      style={node.ui?.color === undefined ? undefined : { borderTopColor: node.ui.color }}
    >
      <div className="pipeline-node-header">
        <span className={`category-dot category-${entry?.category ?? 'unknown'}`} />
        <span className="pipeline-node-title">{title}</span>
        {backend !== undefined && (
          <span className="backend-badge" title={backend.title} data-testid={`backend-${id}`}>
            {backend.text}
          </span>
        )}
        {upgrade !== undefined && (
          <span
            className="update-mark"
            title={`Version ${upgrade} is available: select the node and choose Upgrade node`}
            role="img"
            aria-label={`update available: version ${upgrade}`}
            data-testid={`update-${id}`}
          >
            ↑
          </span>
        )}
        {status !== undefined && (
          <span className={`status-badge status-${status}`} data-testid={`status-${id}`}>
            {STATUS_LABEL[status]}
          </span>
        )}
      </div>
      <div className="pipeline-node-subtitle lod-detail">
        {node.id} · {entry?.title ?? node.type} {node.version}
      </div>
      <div className="pipeline-node-ports">
        <div className="ports-in">
          {(entry?.inputs ?? []).map((port) => (
            <div
              className="port port-in"
              key={port.name}
              title={`${port.name}: ${port.type}${port.required ? '' : ' (optional)'}`}
            >
              <Handle
                type="target"
                position={Position.Left}
                id={port.name}
                className="port-handle"
                style={{ background: portColor(port.type) }}
                data-testid={`handle-${id}-in-${port.name}`}
              />
              <span className="port-label lod-detail">{port.name}</span>
            </div>
          ))}
        </div>
        <div className="ports-out">
          {(entry?.outputs ?? []).map((port) => (
            <div className="port port-out" key={port.name} title={`${port.name}: ${port.type}`}>
              <span className="port-label lod-detail">{port.name}</span>
              <Handle
                type="source"
                position={Position.Right}
                id={port.name}
                className="port-handle"
                style={{ background: portColor(port.type) }}
                data-testid={`handle-${id}-out-${port.name}`}
              />
            </div>
          ))}
        </div>
      </div>
      {progress !== undefined && (
        <div className="node-progress" role="progressbar" aria-valuenow={Math.round(progress * 100)}>
          <div style={{ width: `${Math.round(progress * 100)}%` }} />
        </div>
      )}
      {problems !== undefined && (
        <div
          className="node-problem lod-detail"
          data-testid={`problem-${id}`}
          title={problems.map((p) => p.message).join('\n')}
        >
          {problems[0]?.message}
          {problems.length > 1 ? ` (+${problems.length - 1})` : ''}
        </div>
      )}
      {status === 'failed' && step?.failure !== undefined && (
        <div className="node-problem lod-detail">{step.failure.message}</div>
      )}
      {node.ui?.comment !== undefined && <div className="node-comment lod-detail">{node.ui.comment}</div>}
    </div>
  );
});
