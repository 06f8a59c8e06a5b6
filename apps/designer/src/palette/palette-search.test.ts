import type { CatalogNode } from '@loom/sdk';
import { describe, expect, it } from 'vitest';
import { testCatalog } from '../test-fixtures/test-catalog.ts';
import { versionedCatalog } from '../test-fixtures/versioned-catalog.ts';
import { paletteGroups, pluginLabel } from './palette-search.ts';

const entries = (nodes: readonly CatalogNode[], query: string) =>
  paletteGroups(nodes, query).flatMap((group) => group.entries.map((entry) => `${entry.type}@${entry.version}`));

describe('paletteGroups', () => {
  it('offers only the latest version of a type with several installed', () => {
    const { catalog } = versionedCatalog();
    expect(catalog.nodes.map((entry) => entry.version)).toEqual(['1.0.0', '2.0.0']);
    expect(entries(catalog.nodes, '')).toEqual(['test.greet@2.0.0']);
  });

  it('finds a node by the plugin it comes from', () => {
    const { catalog } = versionedCatalog();
    expect(entries(catalog.nodes, 'loom-plugin-greet')).toEqual(['test.greet@2.0.0']);
    expect(entries(testCatalog().catalog.nodes, 'loom-plugin-greet')).toEqual([]);
  });

  it('groups by category in the palette order, titles that start with the query first', () => {
    const groups = paletteGroups(testCatalog().catalog.nodes, '');
    expect(groups.map((group) => group.category)).toEqual(['data', 'transform', 'train', 'export', 'validate']);
    expect(entries(testCatalog().catalog.nodes, 'split')[0]).toBe('transform.split@1.0.0');
  });
});

describe('pluginLabel', () => {
  it('names a plugin from the plugins folder or npm, never the built-in nodes', () => {
    const [entry] = versionedCatalog().catalog.nodes;
    if (entry === undefined) throw new Error('empty catalog');
    expect(pluginLabel(entry)).toBe('loom-plugin-greet');
    expect(pluginLabel({ ...entry, plugin: { name: 'x', version: '1.0.0', origin: 'npm' } })).toBe('x');
    expect(pluginLabel({ ...entry, plugin: { name: '@loom/nodes-core', version: '0.1.0', origin: 'builtin' } })).toBe(
      undefined,
    );
    const { plugin: _plugin, ...withoutPlugin } = entry;
    expect(pluginLabel(withoutPlugin)).toBeUndefined();
  });
});
