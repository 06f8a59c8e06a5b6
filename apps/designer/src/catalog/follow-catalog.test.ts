import type { PipelineDocument } from '@loom/graph';
import type { NodeCatalog } from '@loom/sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventStreamHandlers } from '../api/event-stream.ts';
import { createEditorStore } from '../store/editor-store.ts';
import { catalogOf, greetV1, greetV2, shoutNode, versionedCatalog } from '../test-fixtures/versioned-catalog.ts';
import { type CatalogApi, followCatalog } from './follow-catalog.ts';

/** An event stream the test drives: each `openStream` call is one connection. */
class FakeStreams {
  readonly connections: Array<{
    url: string;
    headers: Record<string, string>;
    handlers: EventStreamHandlers;
    closed: boolean;
  }> = [];

  readonly open = (url: string, headers: Record<string, string>, handlers: EventStreamHandlers) => {
    const connection = { url, headers, handlers, closed: false };
    this.connections.push(connection);
    return () => {
      connection.closed = true;
    };
  };

  get current() {
    const connection = this.connections.at(-1);
    if (connection === undefined) throw new Error('no stream was opened');
    return connection;
  }

  announce(revision: number): void {
    this.current.handlers.onMessage({ id: undefined, event: 'catalog', data: JSON.stringify({ revision }) });
  }
}

/** A server whose catalog the test sets; counts the fetches. */
function fakeApi(initial: { catalog: NodeCatalog; revision: number | undefined }) {
  const server = { ...initial, fetches: 0, failing: false };
  const api: CatalogApi = {
    catalog: async () => {
      server.fetches += 1;
      if (server.failing) throw new Error('cannot reach the Loom server');
      return { catalog: server.catalog, revision: server.revision };
    },
    catalogEventsUrl: () => '/api/nodes/events',
    authHeaders: () => ({ authorization: 'Bearer t' }),
  };
  return { server, api };
}

/** A document using a node type the first catalog lacks. */
const shoutDocument: PipelineDocument = {
  format: 'loom.pipeline',
  formatVersion: 2,
  name: 'shout',
  nodes: [{ id: 'shout', type: 'test.shout', version: '1.0.0', params: {} }],
  edges: [],
};

/** Lets fetches resolve and the next-task recompile run, but not the toasts' dismiss timers. */
const settle = () => vi.advanceTimersByTimeAsync(1);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('followCatalog', () => {
  it('refetches the catalog when the server announces a new revision, and the diagnostics follow', async () => {
    const store = createEditorStore(versionedCatalog(0));
    store.getState().replaceDocument(shoutDocument, { pipelineId: undefined, version: undefined, saved: undefined });
    store.temporal.getState().clear();
    await settle();
    expect(store.getState().problems.byNode.get('shout')?.[0]?.code).toBe('node.unknown-type');

    const streams = new FakeStreams();
    const { server, api } = fakeApi({ catalog: store.getState().catalog.catalog, revision: 0 });
    const stop = followCatalog(store, api, streams.open);
    expect(streams.current).toMatchObject({ url: '/api/nodes/events', headers: { authorization: 'Bearer t' } });

    // The current revision, first on every connection: nothing to do.
    streams.current.handlers.onOpen();
    streams.announce(0);
    await settle();
    expect(server.fetches).toBe(0);

    server.catalog = catalogOf([greetV1, greetV2, shoutNode]);
    server.revision = 1;
    streams.announce(1);
    await settle();
    expect(server.fetches).toBe(1);
    const state = store.getState();
    expect(state.catalog.revision).toBe(1);
    expect(state.catalog.catalog).toBe(server.catalog);
    expect(state.catalog.registry.get('test.shout', '1.0.0')).toBeDefined();
    expect(state.problems.byNode.get('shout')).toBeUndefined();
    expect(state.toasts.map((toast) => toast.message)).toEqual(['Nodes reloaded']);
    // Not an edit: nothing to undo.
    expect(store.temporal.getState().pastStates).toHaveLength(0);
    stop();
  });

  it('reconnects after a drop, and catches up with a reload it missed while away', async () => {
    const store = createEditorStore(versionedCatalog(0));
    const streams = new FakeStreams();
    const { server, api } = fakeApi({ catalog: store.getState().catalog.catalog, revision: 0 });
    const stop = followCatalog(store, api, streams.open);
    streams.current.handlers.onOpen();
    streams.announce(0);

    streams.current.handlers.onClose(new Error('network'));
    server.catalog = catalogOf([greetV1, greetV2, shoutNode]);
    server.revision = 1;
    expect(streams.connections).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(streams.connections).toHaveLength(2);

    streams.current.handlers.onOpen();
    streams.announce(1);
    await settle();
    expect(store.getState().catalog.revision).toBe(1);
    expect(store.getState().catalog.registry.get('test.shout', '1.0.0')).toBeDefined();
    stop();
  });

  it('waits longer after each failed reconnection, and stops cleanly', async () => {
    const store = createEditorStore(versionedCatalog(0));
    const streams = new FakeStreams();
    const { api } = fakeApi({ catalog: store.getState().catalog.catalog, revision: 0 });
    const stop = followCatalog(store, api, streams.open);
    streams.current.handlers.onClose(new Error('refused'));
    await vi.advanceTimersByTimeAsync(500);
    streams.current.handlers.onClose(new Error('refused'));
    await vi.advanceTimersByTimeAsync(999);
    expect(streams.connections).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(streams.connections).toHaveLength(3);

    stop();
    expect(streams.current.closed).toBe(true);
    streams.current.handlers.onClose(undefined);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(streams.connections).toHaveLength(3);
  });

  it('says so when the catalog cannot be fetched, and tries again on the next announcement', async () => {
    const store = createEditorStore(versionedCatalog(0));
    const streams = new FakeStreams();
    const { server, api } = fakeApi({ catalog: catalogOf([greetV1, greetV2, shoutNode]), revision: 1 });
    const stop = followCatalog(store, api, streams.open);
    server.failing = true;
    streams.announce(1);
    await settle();
    expect(store.getState().toasts.at(-1)).toMatchObject({
      tone: 'error',
      message: 'Cannot reload the nodes: cannot reach the Loom server',
    });
    expect(store.getState().catalog.revision).toBe(0);

    server.failing = false;
    streams.announce(1);
    await settle();
    expect(store.getState().catalog.revision).toBe(1);
    stop();
  });

  it('takes a new revision of the same nodes silently (the server restarted)', async () => {
    const store = createEditorStore(versionedCatalog(3));
    const streams = new FakeStreams();
    const { server, api } = fakeApi({ catalog: catalogOf([greetV1, greetV2]), revision: 0 });
    const registry = store.getState().catalog.registry;
    const stop = followCatalog(store, api, streams.open);
    streams.announce(0);
    await settle();
    expect(server.fetches).toBe(1);
    expect(store.getState().catalog.revision).toBe(0);
    expect(store.getState().catalog.registry).toBe(registry);
    expect(store.getState().toasts).toEqual([]);
    stop();
  });

  it('ignores other events and malformed data', async () => {
    const store = createEditorStore(versionedCatalog(0));
    const streams = new FakeStreams();
    const { server, api } = fakeApi({ catalog: catalogOf([greetV1]), revision: 1 });
    const stop = followCatalog(store, api, streams.open);
    streams.current.handlers.onMessage({ id: undefined, event: 'message', data: '{"revision":1}' });
    streams.current.handlers.onMessage({ id: undefined, event: 'catalog', data: 'not json' });
    streams.current.handlers.onMessage({ id: undefined, event: 'catalog', data: '{"revision":"1"}' });
    await settle();
    expect(server.fetches).toBe(0);
    stop();
  });
});
