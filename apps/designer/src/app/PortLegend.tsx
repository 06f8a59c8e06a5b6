import { useMemo, useState } from 'react';
import { useEditor } from '../store/editor-context.tsx';

const LEGEND_KEY = 'loom.portLegend';

/** Which colour is which port type; only the types some installed node uses. */
export function PortLegend() {
  const catalog = useEditor((state) => state.catalog.catalog);
  // Folded by default, so it covers little of the canvas; the choice is remembered.
  const [open, setOpenState] = useState(() => localStorage.getItem(LEGEND_KEY) === 'open');
  const setOpen = (next: boolean) => {
    localStorage.setItem(LEGEND_KEY, next ? 'open' : 'closed');
    setOpenState(next);
  };
  const types = useMemo(() => {
    const used = new Set(catalog.nodes.flatMap((node) => [...node.inputs, ...node.outputs].map((port) => port.type)));
    return catalog.portTypes.filter((type) => used.has(type.name));
  }, [catalog]);
  return (
    <div className="port-legend" data-testid="port-legend">
      <button type="button" className="port-legend-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        Port types {open ? '▾' : '▸'}
      </button>
      {open && (
        <ul>
          {types.map((type) => (
            <li
              key={type.name}
              title={type.description + (type.extends === undefined ? '' : ` (fits where ${type.extends} is taken)`)}
            >
              <span className="port-swatch" style={{ background: type.color }} />
              {type.name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
