import { describe, expect, it, vi } from 'vitest';
import { catalogContext } from '../catalog/catalog-context.ts';
import { testCatalog } from '../test-fixtures/test-catalog.ts';
import { catalogOf, greetV2, versionedCatalog } from '../test-fixtures/versioned-catalog.ts';
import { createEditorStore } from './editor-store.ts';
import { findProblems } from './problems.ts';

function irisStore() {
  const store = createEditorStore(testCatalog());
  const s = store.getState();
  const csv = s.addNode('data.csv', '1.0.0', { x: 0, y: 0 });
  const split = store.getState().addNode('transform.split', '1.0.0', { x: 250, y: 0 });
  store.getState().addEdge({ from: { node: csv, port: 'table' }, to: { node: split, port: 'table' } });
  return { store, csv, split };
}

describe('editor store', () => {
  it('gives new nodes readable, unique ids and whole-pixel positions', () => {
    const store = createEditorStore(testCatalog());
    const a = store.getState().addNode('transform.split', '1.0.0', { x: 10.4, y: 20.6 });
    const b = store.getState().addNode('transform.split', '1.0.0', { x: 0, y: 0 });
    expect([a, b]).toEqual(['split', 'split_2']);
    expect(store.getState().document.nodes[0]?.ui?.position).toEqual({ x: 10, y: 21 });
  });

  it('undoes and redoes every document change exactly, parameter edits included', () => {
    const { store, split } = irisStore();
    const before = store.getState().document;
    store.getState().setNodeParam(split, 'fraction', 0.3);
    const edited = store.getState().document;
    expect(edited.nodes[1]?.params).toEqual({ fraction: 0.3 });
    store.temporal.getState().undo();
    expect(store.getState().document).toBe(before);
    store.temporal.getState().redo();
    expect(store.getState().document).toBe(edited);
  });

  it("sets and removes a node's backend, one undo step each, leaving no empty field", () => {
    const { store, split } = irisStore();
    const before = store.getState().document;
    store.getState().setNodeBackend(split, 'kubernetes');
    const edited = store.getState().document;
    expect(edited.nodes[1]?.backend).toBe('kubernetes');
    expect(edited.nodes[0]).toBe(before.nodes[0]);
    store.getState().setNodeBackend(split, 'kubernetes');
    expect(store.getState().document, 'the same backend again changes nothing').toBe(edited);
    store.getState().setNodeBackend(split, undefined);
    expect('backend' in (store.getState().document.nodes[1] ?? {})).toBe(false);
    store.temporal.getState().undo();
    expect(store.getState().document).toBe(edited);
    store.temporal.getState().undo();
    expect(store.getState().document).toBe(before);
    store.temporal.getState().redo();
    expect(store.getState().document).toBe(edited);
  });

  it('does not record selection, panels or run state as undo steps', () => {
    const { store, csv } = irisStore();
    const steps = store.temporal.getState().pastStates.length;
    store.getState().select([csv]);
    store.getState().openDialog('help');
    store.getState().toast('info', 'hello');
    expect(store.temporal.getState().pastStates.length).toBe(steps);
  });

  it('keeps unchanged nodes as the same objects, so the canvas re-renders only what changed', () => {
    const { store, csv, split } = irisStore();
    const [csvBefore, splitBefore] = store.getState().document.nodes;
    store.getState().setNodeParam(split, 'seed', 7);
    const [csvAfter, splitAfter] = store.getState().document.nodes;
    expect(csvAfter).toBe(csvBefore);
    expect(splitAfter).not.toBe(splitBefore);
    void csv;
  });

  it('deleting a node removes its edges', () => {
    const { store, csv } = irisStore();
    store.getState().deleteElements([csv], []);
    expect(store.getState().document.nodes.map((n) => n.id)).toEqual(['split']);
    expect(store.getState().document.edges).toEqual([]);
  });

  it('pastes a fragment with fresh ids and the edges between its own nodes', () => {
    const { store, csv, split } = irisStore();
    const { nodes, edges } = store.getState().document;
    const ids = store.getState().insertFragment({ nodes, edges }, { x: 40, y: 40 });
    expect(ids).toEqual(['csv_2', 'split_2']);
    const document = store.getState().document;
    expect(document.edges.at(-1)).toMatchObject({ from: { node: 'csv_2' }, to: { node: 'split_2' } });
    expect(document.nodes.find((n) => n.id === 'csv_2')?.ui?.position).toEqual({ x: 40, y: 40 });
    void csv;
    void split;
  });

  it('finds the compiler’s problems, per node', () => {
    const catalog = testCatalog();
    const { store, csv } = irisStore();
    const problems = findProblems(store.getState().document, catalog.registry);
    expect(problems.byNode.get(csv)?.map((d) => d.code)).toEqual(['param.invalid']);
    expect(problems.plan).toBeUndefined();
    store.getState().setNodeParam(csv, 'path', 'iris.csv');
    const fixed = findProblems(store.getState().document, catalog.registry);
    expect(fixed.diagnostics).toEqual([]);
    expect(fixed.plan?.steps.map((s) => s.id)).toEqual(['csv', 'split']);
  });

  it('the server’s answer that an input file is missing becomes a problem on its node, with the look-alikes as fixes', async () => {
    const { store, csv } = irisStore();
    store.getState().setNodeParam(csv, 'path', 'iris.csv');
    store
      .getState()
      .setInputFiles(
        new Map([['iris.csv', { found: false, looked: ['/srv/iris.csv'], suggestions: ['data/iris.csv'] }]]),
      );
    await new Promise((resolve) => setTimeout(resolve, 0)); // problems are recomputed in the next task
    const { problems } = store.getState();
    const [missing] = problems.byNode.get(csv) ?? [];
    expect(missing).toMatchObject({ code: 'data.file-missing', nodeId: csv, path: '/nodes/0/params/path' });
    expect(missing?.message).toBe(
      'path "iris.csv" of node "csv" names no file: looked for /srv/iris.csv; did you mean "data/iris.csv"?',
    );
    expect(missing === undefined ? undefined : problems.fileFixes.get(missing)).toEqual({
      nodeId: csv,
      param: 'path',
      suggestions: ['data/iris.csv'],
    });
    // A missing file does not stop the plan: the inspector still says what would re-run.
    expect(problems.plan?.steps.map((step) => step.id)).toEqual(['csv', 'split']);

    store.getState().setInputFiles(new Map([['iris.csv', { found: true }]]), true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.getState().problems.diagnostics).toEqual([]);
  });

  it('a file is clean again when undo returns to the saved document', () => {
    const { store, split } = irisStore();
    store.getState().markSaved('p1', 1);
    expect(store.getState().file.saved).toBe(store.getState().document);
    store.getState().setNodeParam(split, 'seed', 3);
    expect(store.getState().file.saved).not.toBe(store.getState().document);
    store.temporal.getState().undo();
    expect(store.getState().file.saved).toBe(store.getState().document);
  });

  it('adds, edits, moves, copies and deletes notes, in the id space nodes use', () => {
    const { store } = irisStore();
    const note = store.getState().addNote({ x: 5.2, y: 6 }, 'why we split');
    expect(note).toBe('note');
    store.getState().updateNote(note, { text: 'why we split 20%', size: { width: 200.4, height: 80 } });
    store.getState().moveNodes([{ id: note, position: { x: 50, y: 60 } }]);
    expect(store.getState().document.notes).toEqual([
      { id: 'note', text: 'why we split 20%', position: { x: 50, y: 60 }, size: { width: 200, height: 80 } },
    ]);
    const pasted = store
      .getState()
      .insertFragment({ nodes: [], edges: [], notes: store.getState().document.notes ?? [] }, { x: 10, y: 10 });
    expect(pasted).toEqual(['note_2']);
    store.getState().deleteElements(['note', 'note_2'], []);
    expect(store.getState().document).not.toHaveProperty('notes');
    expect(store.getState().addNode('data.csv', '1.0.0', { x: 0, y: 0 })).toBe('csv_2');
  });

  it('edits pipeline parameters, dropping the map when the last one goes', () => {
    const store = createEditorStore(testCatalog());
    store.getState().setPipelineParameter('rate', { type: 'number', default: 1 });
    expect(store.getState().document.parameters).toEqual({ rate: { type: 'number', default: 1 } });
    store.getState().setPipelineParameter('rate', { type: 'number', default: 1 }, 'lr');
    expect(Object.keys(store.getState().document.parameters ?? {})).toEqual(['lr']);
    store.getState().setPipelineParameter('lr', undefined);
    expect(store.getState().document).not.toHaveProperty('parameters');
  });

  it('upgrades a node’s version and parameters in one edit, which one undo takes back', async () => {
    const store = createEditorStore(versionedCatalog());
    const id = store.getState().addNode('test.greet', '1.0.0', { x: 0, y: 0 });
    store.getState().setNodeParam(id, 'name', 'Ada');
    store.getState().setNodeUi(id, { label: 'Hello' });
    const before = store.getState().document;
    const steps = store.temporal.getState().pastStates.length;

    store.getState().upgradeNode(id, { version: '2.0.0', params: { who: 'Ada' } });
    const upgraded = store.getState().document.nodes[0];
    expect(upgraded).toMatchObject({ id, version: '2.0.0', params: { who: 'Ada' }, ui: { label: 'Hello' } });
    expect(store.temporal.getState().pastStates.length).toBe(steps + 1);

    store.temporal.getState().undo();
    expect(store.getState().document).toBe(before);
    expect(store.getState().document.nodes[0]).toMatchObject({ version: '1.0.0', params: { name: 'Ada' } });
  });

  it('recompiles when the catalog is replaced, without an undo step', async () => {
    vi.useFakeTimers();
    try {
      const store = createEditorStore(versionedCatalog());
      const id = store.getState().addNode('test.greet', '1.0.0', { x: 0, y: 0 });
      store.getState().setNodeParam(id, 'name', 'Ada');
      await vi.advanceTimersByTimeAsync(1);
      expect(store.getState().problems.diagnostics).toEqual([]);
      const steps = store.temporal.getState().pastStates.length;

      // A reload that drops 1.0.0: the node's pinned version is gone.
      store.getState().replaceCatalog(catalogContext(catalogOf([greetV2]), 1));
      await vi.advanceTimersByTimeAsync(1);
      expect(
        store
          .getState()
          .problems.byNode.get(id)
          ?.map((d) => d.code),
      ).toEqual(['node.unknown-version']);
      expect(store.temporal.getState().pastStates.length).toBe(steps);
    } finally {
      vi.useRealTimers();
    }
  });

  it('renames a node, carrying its edges and the selection, in one undo step', () => {
    const { store, csv, split } = irisStore();
    store.getState().select([csv]);
    const steps = store.temporal.getState().pastStates.length;
    expect(store.getState().renameNode(csv, 'iris')).toBeUndefined();
    const { document, selectedNodes } = store.getState();
    expect(document.nodes.map((node) => node.id)).toEqual(['iris', split]);
    expect(document.edges[0]).toMatchObject({ from: { node: 'iris', port: 'table' }, to: { node: split } });
    expect([...selectedNodes]).toEqual(['iris']);
    expect(store.temporal.getState().pastStates.length).toBe(steps + 1);
  });

  it('refuses an id that breaks the rule or is taken, saying why', () => {
    const { store, csv, split } = irisStore();
    const before = store.getState().document;
    expect(store.getState().renameNode(csv, split)).toBe(`"${split}" is already the id of another node or note`);
    expect(store.getState().renameNode(csv, '2nd')).toMatch(/^Start with a letter or _/);
    expect(store.getState().renameNode(csv, 'my data')).toBe('Only letters, digits, _, . and - (not spaces)');
    expect(store.getState().renameNode(csv, '')).toMatch(/^An id is needed/);
    expect(store.getState().document).toBe(before);
  });

  it("warns of a column the source file lacks once the file's columns are known", async () => {
    vi.useFakeTimers();
    try {
      const store = createEditorStore(testCatalog());
      const csv = store.getState().addNode('data.csv', '1.0.0', { x: 0, y: 0 });
      const train = store.getState().addNode('train.logistic_regression', '1.0.0', { x: 250, y: 0 });
      store.getState().addEdge({ from: { node: csv, port: 'table' }, to: { node: train, port: 'table' } });
      store.getState().setNodeParam(csv, 'path', 'iris.csv');
      store.getState().setNodeParam(train, 'label', 'specis');
      await vi.advanceTimersByTimeAsync(1);
      expect(store.getState().problems.byNode.get(train)).toBeUndefined();

      store.getState().setFileColumns('iris.csv', ['sepal_length', 'species']);
      await vi.advanceTimersByTimeAsync(1);
      expect(store.getState().problems.byNode.get(train)).toEqual([
        expect.objectContaining({
          code: 'param.unknown-column',
          message: expect.stringContaining('did you mean "species"'),
        }),
      ]);
    } finally {
      vi.useRealTimers();
    }
  });
});
