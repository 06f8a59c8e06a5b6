import { useState } from 'react';
import { useEditor } from '../store/editor-context.tsx';

/**
 * Every problem the compiler finds in the document, and the input files the server cannot find (with
 * the files of that name it has, one click away); clicking a problem brings its node into view.
 */
export function ProblemsList() {
  const diagnostics = useEditor((state) => state.problems.diagnostics);
  const fileFixes = useEditor((state) => state.problems.fileFixes);
  const nodes = useEditor((state) => state.document.nodes);
  const setNodeParam = useEditor((state) => state.setNodeParam);
  const focusNode = useEditor((state) => state.focusNode);
  const select = useEditor((state) => state.select);
  const [collapsed, setCollapsed] = useState(false);
  const count = diagnostics.length;
  /** A missing file's look-alikes, offered as one-click fixes when the node names the path itself (not through a pipeline parameter). */
  const fixesOf = (diagnostic: (typeof diagnostics)[number]): readonly string[] => {
    const fix = fileFixes.get(diagnostic);
    if (fix === undefined) return [];
    const value = nodes.find((node) => node.id === fix.nodeId)?.params?.[fix.param];
    return typeof value === 'string' ? fix.suggestions : [];
  };

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
              {fixesOf(diagnostic).length > 0 && (
                <div className="problem-fixes">
                  {fixesOf(diagnostic).map((suggestion) => (
                    <button
                      key={suggestion}
                      type="button"
                      className="button small"
                      data-testid="problem-fix"
                      onClick={() => {
                        const fix = fileFixes.get(diagnostic);
                        if (fix !== undefined) setNodeParam(fix.nodeId, fix.param, suggestion);
                      }}
                    >
                      Use {suggestion}
                    </button>
                  ))}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
