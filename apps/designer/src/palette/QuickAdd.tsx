import { type KeyboardEvent, useMemo, useState } from 'react';
import { Overlay } from '../app/Overlay.tsx';
import { useEditor } from '../store/editor-context.tsx';
import { paletteGroups } from './palette-search.ts';
import { useAddNodeAtView } from './use-add-node.ts';

/** The quick-add box (`A` or `/`): type to filter, arrows to choose, Enter to add. */
export function QuickAdd() {
  const nodes = useEditor((state) => state.catalog.catalog.nodes);
  const close = useEditor((state) => state.openDialog);
  const addNode = useAddNodeAtView();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const matches = useMemo(() => paletteGroups(nodes, query).flatMap((group) => group.entries), [nodes, query]);

  const choose = (index: number) => {
    const entry = matches[index];
    if (entry === undefined) return;
    addNode(entry);
    close(undefined);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') setActive((i) => Math.min(i + 1, matches.length - 1));
    else if (event.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0));
    else if (event.key === 'Enter') choose(active);
    else if (event.key === 'Escape') close(undefined);
    else return;
    event.preventDefault();
  };

  return (
    <Overlay>
      <div className="quick-add" role="dialog" aria-label="Add a node" data-testid="quick-add">
        <input
          // biome-ignore lint/a11y/noAutofocus: the box exists to be typed into at once
          autoFocus
          className="quick-add-input"
          placeholder="Add a node: type to search…"
          aria-label="Node to add"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          data-testid="quick-add-input"
        />
        <div className="quick-add-list" role="listbox" aria-label="Matching nodes">
          {matches.slice(0, 12).map((entry, index) => (
            <div
              key={entry.type}
              role="option"
              tabIndex={-1}
              aria-selected={index === active}
              className={`quick-add-option${index === active ? ' is-active' : ''}`}
              onMouseEnter={() => setActive(index)}
              onMouseDown={() => choose(index)}
              onKeyDown={onKeyDown}
              title={`${entry.type} ${entry.version}, from ${entry.source}`}
            >
              <span className={`category-dot category-${entry.category}`} />
              <span className="quick-add-title">{entry.title}</span>
              <span className="quick-add-type">{entry.type}</span>
            </div>
          ))}
          {matches.length === 0 && <div className="empty-note">No node matches.</div>}
        </div>
      </div>
    </Overlay>
  );
}
