import type { NodeParamsUpgrade } from '@loom/sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type LoomApi } from '../api/loom-api.ts';
import { createEditorStore } from '../store/editor-store.ts';
import { testCatalog } from '../test-fixtures/test-catalog.ts';
import { versionedCatalog } from '../test-fixtures/versioned-catalog.ts';
import { EditorSession } from './editor-session.ts';

/** A session on the versioned catalog whose server answers upgrades with `answer`. */
function sessionWith(answer: (request: Parameters<LoomApi['upgradeNode']>[0]) => Promise<NodeParamsUpgrade>) {
  const store = createEditorStore(versionedCatalog());
  const requests: Array<Parameters<LoomApi['upgradeNode']>[0]> = [];
  const api = {
    upgradeNode: (request: Parameters<LoomApi['upgradeNode']>[0]) => {
      requests.push(request);
      return answer(request);
    },
  } as unknown as LoomApi;
  const id = store.getState().addNode('test.greet', '1.0.0', { x: 0, y: 0 });
  store.getState().setNodeParam(id, 'name', 'Ada');
  return { store, session: new EditorSession(store, api), id, requests };
}

const migrated = async (): Promise<NodeParamsUpgrade> => ({
  type: 'test.greet',
  version: '2.0.0',
  params: { who: 'Ada' },
  migrations: [{ from: '1.0.0', to: '2.0.0' }],
});

describe('EditorSession.upgradeNode', () => {
  it('asks the server to carry the parameters to the latest version, and applies the answer as one edit', async () => {
    const { store, session, id, requests } = sessionWith(migrated);
    const before = store.getState().document;
    await session.upgradeNode(id);
    expect(requests).toEqual([{ type: 'test.greet', from: '1.0.0', to: '2.0.0', params: { name: 'Ada' } }]);
    expect(store.getState().document.nodes[0]).toMatchObject({ version: '2.0.0', params: { who: 'Ada' } });
    expect(store.getState().toasts.at(-1)).toMatchObject({
      tone: 'success',
      message: 'Upgraded greet to test.greet 2.0.0',
    });
    store.temporal.getState().undo();
    expect(store.getState().document).toBe(before);
  });

  it('leaves a node that changed while the server worked, and says so', async () => {
    let edit = () => {};
    const { store, session, id } = sessionWith(async () => {
      edit();
      return migrated();
    });
    edit = () => store.getState().setNodeParam(id, 'name', 'Grace');
    await session.upgradeNode(id);
    expect(store.getState().document.nodes[0]).toMatchObject({ version: '1.0.0', params: { name: 'Grace' } });
    expect(store.getState().toasts.at(-1)).toMatchObject({ tone: 'error', message: expect.stringMatching(/changed/) });
  });

  it('shows the server’s refusal (a migration that failed) and changes nothing', async () => {
    const { store, session, id } = sessionWith(async () => {
      throw new ApiError(400, 'migration-failed', 'the migration of test.greet@2.0.0 from 1.0.0 failed: boom');
    });
    const before = store.getState().document;
    await session.upgradeNode(id);
    expect(store.getState().document).toBe(before);
    expect(store.getState().toasts.at(-1)).toMatchObject({
      tone: 'error',
      message: 'Cannot upgrade greet: the migration of test.greet@2.0.0 from 1.0.0 failed: boom',
    });
  });

  it('sends one request when asked twice before the answer comes', async () => {
    const { store, session, id, requests } = sessionWith(migrated);
    await Promise.all([session.upgradeNode(id), session.upgradeNode(id)]);
    expect(requests).toHaveLength(1);
    expect(store.getState().document.nodes[0]?.version).toBe('2.0.0');
    expect(store.getState().toasts.map((toast) => toast.tone)).toEqual(['success']);
  });

  it('does nothing for a node that is up to date', async () => {
    const { store, session, requests } = sessionWith(migrated);
    const current = store.getState().addNode('test.greet', '2.0.0', { x: 0, y: 100 });
    await session.upgradeNode(current);
    expect(requests).toEqual([]);
  });
});

describe('EditorSession.save of a new pipeline', () => {
  // The session keeps the address in step with the saved pipeline; these tests run without a browser.
  beforeEach(() => {
    vi.stubGlobal('window', { location: { hash: '', pathname: '/' }, history: { replaceState: () => {} } });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  function unnamed() {
    const store = createEditorStore(testCatalog());
    const created: string[] = [];
    const api = {
      createPipeline: async (document: { name: string }) => {
        created.push(document.name);
        return { id: 'p1', version: 1, name: document.name, createdAt: '', diagnostics: [] };
      },
    } as unknown as LoomApi;
    const csv = store.getState().addNode('data.csv', '1.0.0', { x: 0, y: 0 });
    store.getState().setNodeParam(csv, 'path', 'iris.csv');
    store.getState().addNode('train.logistic_regression', '1.0.0', { x: 200, y: 0 });
    return { store, session: new EditorSession(store, api), created };
  }

  it('asks for a name first, offering one from what the pipeline does, and saves under the answer', async () => {
    const { store, session, created } = unnamed();
    const saving = session.save();
    expect(store.getState().dialog).toBe('name');
    expect(session.nameSuggestion).toBe('iris-logistic-regression');
    session.answerName('my-iris');
    expect(await saving).toBe('p1');
    expect(created).toEqual(['my-iris']);
    expect(store.getState().document.name).toBe('my-iris');
  });

  it('saves nothing when the name dialog is closed without an answer', async () => {
    const { store, session, created } = unnamed();
    const saving = session.save();
    store.getState().openDialog(undefined);
    expect(await saving).toBeUndefined();
    expect(created).toEqual([]);
    expect(session.nameSuggestion).toBeUndefined();
  });

  it('does not ask again once the pipeline has a name', async () => {
    const { store, session, created } = unnamed();
    store.getState().setPipelineInfo({ name: 'named' });
    expect(await session.save()).toBe('p1');
    expect(created).toEqual(['named']);
    expect(store.getState().dialog).toBeUndefined();
  });
});

describe('EditorSession.openRunById', () => {
  it('says which run cannot be opened when the server no longer has it, and leaves the editor as it was', async () => {
    const store = createEditorStore(testCatalog());
    const api = {
      getRun: async (id: string) => {
        throw new ApiError(404, 'not-found', `no run "${id}"`);
      },
    } as unknown as LoomApi;
    const before = store.getState().document;
    await new EditorSession(store, api).openRunById('r9');
    expect(store.getState().document).toBe(before);
    expect(store.getState().runView).toBeUndefined();
    expect(store.getState().toasts.at(-1)).toMatchObject({ tone: 'error', message: 'Cannot open run r9: no run "r9"' });
  });
});
