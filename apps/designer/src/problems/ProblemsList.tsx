import { useState } from 'react';
import { useEditor } from '../store/editor-context.tsx';

/** Every problem the compiler finds in the document; clicking one brings its node into view. */
export function ProblemsList() {
  const diagnostics = useEditor((state) => state.problems.diagnostics);
  const focusNode = useEditor((state) => state.focusNode);
  const select = useEditor((state) => state.select);
  const [collapsed, setCollapsed] = useState(false);
  const count = diagnostics.length;

  return (
    <section className={`problems${count === 0 ? ' is-clean' : ''}`} aria-label="Problems" data-testid="problems">
      <button
        type="button"
        className="problems-header"
        onClick={() => setCollapsed(!collapsed)}
        aria-expanded={!collapsed}
      >
        <span className={`problems-count${count === 0 ? ' ok' : ''}`} data-testid="problems-count">
          {count === 0 ? '✓ No problems' : `${count} problem${count === 1 ? '' : 's'}`}
        </span>
        <span className="chevron">{collapsed ? '▴' : '▾'}</span>
      </button>
      {!collapsed && count > 0 && (
        <ul className="problems-list">
          {diagnostics.map((diagnostic) => (
            <li
              key={`${diagnostic.code}|${diagnostic.path ?? ''}|${diagnostic.nodeId ?? ''}|${diagnostic.edgeId ?? ''}|${diagnostic.message}`}
            >
              <button
                type="button"
                className="problem"
                onClick={() => {
                  if (diagnostic.nodeId !== undefined) focusNode(diagnostic.nodeId);
                  else if (diagnostic.edgeId !== undefined) select([], [diagnostic.edgeId]);
                }}
                data-testid="problem-item"
              >
                <span className="problem-where">
                  {diagnostic.nodeId ?? diagnostic.edgeId ?? diagnostic.path ?? 'pipeline'}
                </span>
                <span className="problem-message">{diagnostic.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
