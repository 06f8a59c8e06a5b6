import type { CatalogNode } from '@loom/sdk';
import { type DragEvent, memo, useMemo, useState } from 'react';
import { PALETTE_MIME } from '../canvas/PipelineCanvas.tsx';
import { useEditor } from '../store/editor-context.tsx';
import { paletteGroups, pluginLabel } from './palette-search.ts';
import { useAddNodeAtView } from './use-add-node.ts';

/** The node types the server has, by category; drag one onto the canvas, or click to add it in view. */
export function Palette() {
  const nodes = useEditor((state) => state.catalog.catalog.nodes);
  const [query, setQuery] = useState('');
  const groups = useMemo(() => paletteGroups(nodes, query), [nodes, query]);
  const addNode = useAddNodeAtView();

  return (
    <aside className="palette" aria-label="Node palette">
      <div className="panel-header">Nodes</div>
      <input
        className="palette-search"
        type="search"
        placeholder="Search nodes…"
        aria-label="Search nodes"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        data-testid="palette-search"
      />
      <div className="palette-groups">
        {groups.length === 0 && <div className="empty-note">No node matches “{query}”.</div>}
        {groups.map((group) => (
          <section key={group.category} className="palette-group">
            <h3 className={`palette-category category-${group.category}`}>{group.category}</h3>
            {group.entries.map((entry) => (
              <PaletteItem key={entry.type} entry={entry} onAdd={addNode} />
            ))}
          </section>
        ))}
      </div>
    </aside>
  );
}

const PaletteItem = memo(function PaletteItem({
  entry,
  onAdd,
}: {
  entry: CatalogNode;
  onAdd: (entry: CatalogNode) => void;
}) {
  const plugin = pluginLabel(entry);
  const onDragStart = (event: DragEvent) => {
    event.dataTransfer.setData(PALETTE_MIME, `${entry.type}@${entry.version}`);
    event.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <button
      type="button"
      className="palette-item"
      draggable
      onDragStart={onDragStart}
      onDoubleClick={() => onAdd(entry)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') onAdd(entry);
      }}
      title={`${entry.description}\n\n${entry.type} ${entry.version}, from ${entry.source}\n\nDrag onto the canvas, or press Enter / double-click to add.`}
      data-testid={`palette-${entry.type}`}
    >
      <span className={`category-dot category-${entry.category}`} />
      <span className="palette-item-text">
        <span className="palette-item-title">{entry.title}</span>
        <span className="palette-item-description">{entry.description}</span>
        {plugin !== undefined && (
          <span className="palette-item-source" data-testid={`palette-source-${entry.type}`}>
            {plugin}
          </span>
        )}
      </span>
    </button>
  );
});
