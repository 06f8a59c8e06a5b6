import type { CatalogNode } from '@loom/sdk';

/** The order categories appear in; a plugin's own categories follow, alphabetically. */
const CATEGORY_ORDER = ['data', 'transform', 'train', 'export', 'validate', 'evaluate', 'explain', 'deploy', 'monitor'];

export interface PaletteGroup {
  category: string;
  entries: CatalogNode[];
}

/**
 * The plugin a palette entry names beside its title: a plugin found in the plugins folder or installed
 * from npm, never Loom's built-in nodes (those are the default, and naming them on every entry is noise).
 */
export function pluginLabel(entry: CatalogNode): string | undefined {
  return entry.plugin === undefined || entry.plugin.origin === 'builtin' ? undefined : entry.plugin.name;
}

/**
 * The latest version of each node type matching `query` (every word must appear in the title, type,
 * description, category or the plugin it comes from), grouped by category. When several versions of a
 * type are installed, only the latest is offered: a new node starts on the newest. Titles that start
 * with the query come first.
 */
export function paletteGroups(nodes: readonly CatalogNode[], query: string): PaletteGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = nodes.filter((entry) => {
    if (!entry.latest) return false;
    const text = `${entry.title} ${entry.type} ${entry.description} ${entry.category} ${entry.source}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
  const first = words[0];
  const rank = (entry: CatalogNode) => (first !== undefined && entry.title.toLowerCase().startsWith(first) ? 0 : 1);
  const groups = new Map<string, CatalogNode[]>();
  for (const entry of matches) {
    const list = groups.get(entry.category);
    if (list === undefined) groups.set(entry.category, [entry]);
    else list.push(entry);
  }
  const position = (category: string) => {
    const index = CATEGORY_ORDER.indexOf(category);
    return index === -1 ? CATEGORY_ORDER.length : index;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => position(a) - position(b) || a.localeCompare(b))
    .map(([category, entries]) => ({
      category,
      entries: entries.sort((a, b) => rank(a) - rank(b) || a.title.localeCompare(b.title)),
    }));
}
