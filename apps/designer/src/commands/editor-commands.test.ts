import { describe, expect, it } from 'vitest';
import { createEditorStore } from '../store/editor-store.ts';
import { testCatalog } from '../test-fixtures/test-catalog.ts';
import { versionedCatalog } from '../test-fixtures/versioned-catalog.ts';
import { commandById, EDITOR_COMMANDS } from './editor-commands.ts';
import { formatShortcut, matchesShortcut } from './shortcuts.ts';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('editor commands', () => {
  it('have unique ids, and no two commands share a shortcut', () => {
    const ids = EDITOR_COMMANDS.map((command) => command.id);
    expect(new Set(ids).size).toBe(ids.length);
    const shortcuts = EDITOR_COMMANDS.flatMap((command) => command.shortcuts ?? []);
    expect(new Set(shortcuts.map((s) => s.toLowerCase())).size).toBe(shortcuts.length);
  });

  it('are enabled only when they can act', () => {
    const store = createEditorStore(testCatalog());
    const state = () => store.getState();
    const enabled = (id: string) => commandById(id).enabled?.(state()) ?? true;
    expect(enabled('edit.delete')).toBe(false);
    expect(enabled('run.start')).toBe(false);
    const id = state().addNode('data.csv', '1.0.0', { x: 0, y: 0 });
    state().select([id]);
    expect(enabled('edit.delete')).toBe(true);
    expect(enabled('run.from-here')).toBe(true);
    expect(enabled('run.cancel')).toBe(false);
    expect(enabled('file.versions')).toBe(false);
  });

  it('undo, delete and duplicate act on the store', async () => {
    const store = createEditorStore(testCatalog());
    const id = store.getState().addNode('data.csv', '1.0.0', { x: 0, y: 0 });
    store.getState().select([id]);
    const context = { store, session: undefined as never, flow: undefined as never };
    await commandById('edit.duplicate').run(context);
    expect(store.getState().document.nodes.map((node) => node.id)).toEqual(['csv', 'csv_2']);
    expect([...store.getState().selectedNodes]).toEqual(['csv_2']);
    await commandById('edit.delete').run(context);
    expect(store.getState().document.nodes.map((node) => node.id)).toEqual(['csv']);
    await commandById('edit.undo').run(context);
    expect(store.getState().document.nodes.map((node) => node.id)).toEqual(['csv', 'csv_2']);
    await commandById('edit.redo').run(context);
    expect(store.getState().document.nodes).toHaveLength(1);
  });
});

describe('upgrade node', () => {
  it('is enabled for one selected node with a newer version installed, and asks the session to upgrade it', async () => {
    const store = createEditorStore(versionedCatalog());
    const command = commandById('edit.upgrade-node');
    expect(command.label).toBe('Upgrade node');
    const old = store.getState().addNode('test.greet', '1.0.0', { x: 0, y: 0 });
    const current = store.getState().addNode('test.greet', '2.0.0', { x: 0, y: 100 });
    const gone = store.getState().addNode('test.greet', '0.5.0', { x: 0, y: 200 });
    const enabled = () => command.enabled?.(store.getState()) ?? true;
    expect(enabled()).toBe(false);
    store.getState().select([current]);
    expect(enabled()).toBe(false);
    store.getState().select([old, gone]);
    expect(enabled()).toBe(false);
    store.getState().select([gone]);
    expect(enabled()).toBe(true);
    store.getState().select([old]);
    expect(enabled()).toBe(true);

    const upgraded: string[] = [];
    const session = { upgradeNode: async (id: string) => void upgraded.push(id) };
    await command.run({ store, session: session as never, flow: undefined as never });
    expect(upgraded).toEqual([old]);
  });
});

describe('shortcuts', () => {
  it('match Ctrl or ⌘ for Mod, and nothing else', () => {
    expect(matchesShortcut(key('z', { ctrlKey: true }), 'Mod+Z')).toBe(true);
    expect(matchesShortcut(key('z', { metaKey: true }), 'Mod+Z')).toBe(true);
    expect(matchesShortcut(key('Z', { metaKey: true, shiftKey: true }), 'Mod+Z')).toBe(false);
    expect(matchesShortcut(key('Z', { metaKey: true, shiftKey: true }), 'Shift+Mod+Z')).toBe(true);
    expect(matchesShortcut(key('a'), 'A')).toBe(true);
    expect(matchesShortcut(key('a', { ctrlKey: true }), 'A')).toBe(false);
    expect(matchesShortcut(key('Delete'), 'Delete')).toBe(true);
    expect(matchesShortcut(key('?', { shiftKey: true }), '?')).toBe(true);
    expect(matchesShortcut(key('F', { shiftKey: true }), 'Shift+F')).toBe(true);
  });

  it('are written as the platform writes them', () => {
    expect(formatShortcut('Shift+Mod+Z', true)).toBe('⇧⌘Z');
    expect(formatShortcut('Shift+Mod+Z', false)).toBe('Shift+Ctrl+Z');
  });
});
