/**
 * `?watch=true`: newline-delimited JSON events, replayed from `resourceVersion` out of the store's
 * history (an ERROR event with a 410 Status when that history no longer reaches back, as the real
 * server sends inside the stream), then live; with BOOKMARKs and `timeoutSeconds`.
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from './api-status.ts';
import { clone, type KubeObject, metaOf, type ObjectStore, type StoreEvent } from './object-store.ts';
import { groupVersion, type ResourceType } from './resources.ts';
import type { Matcher } from './selectors.ts';

export interface WatchRequest {
  resource: ResourceType;
  namespace: string | undefined;
  resourceVersion: string | undefined;
  matches: Matcher;
  allowBookmarks: boolean;
  timeoutSeconds: number | undefined;
  /** How often bookmarks are sent. */
  bookmarkMs: number;
}

function key(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ''}/${metaOf(object).name}`;
}

export function serveWatch(store: ObjectStore, request: WatchRequest, response: ServerResponse): void {
  const { resource, namespace, matches } = request;
  response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  response.flushHeaders();
  const send = (type: string, object: unknown) => {
    if (!response.writableEnded) response.write(`${JSON.stringify({ type, object })}\n`);
  };
  const inScope = (object: KubeObject) => namespace === undefined || object.metadata?.namespace === namespace;
  const visible = new Set<string>();

  let replay: StoreEvent[];
  const requested = request.resourceVersion;
  try {
    if (requested === undefined || requested === '' || requested === '0') {
      replay = store
        .list(resource, namespace)
        .filter(matches)
        .map((object) => ({ type: 'ADDED', resource, object, resourceVersion: 0 }));
    } else {
      const since = Number(requested);
      if (!Number.isInteger(since)) throw new Error(`invalid resourceVersion ${requested}`);
      replay = store.changesSince(since).filter((event) => event.resource === resource && inScope(event.object));
    }
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    send('ERROR', error.status);
    response.end();
    return;
  }
  for (const event of replay) {
    if (!matches(event.object)) continue;
    if (event.type === 'DELETED') visible.delete(key(event.object));
    else visible.add(key(event.object));
    send(event.type, event.object);
  }
  for (const object of store.list(resource, namespace)) if (matches(object)) visible.add(key(object));

  const unsubscribe = store.subscribe((event) => {
    if (event.resource !== resource || !inScope(event.object)) return;
    const id = key(event.object);
    const wasVisible = visible.has(id);
    const nowMatches = event.type !== 'DELETED' && matches(event.object);
    // Objects that start or stop matching a selector appear as ADDED or DELETED, as the watch cache does.
    if (event.type === 'DELETED') {
      if (wasVisible || matches(event.object)) send('DELETED', event.object);
      visible.delete(id);
    } else if (nowMatches) {
      send(wasVisible ? event.type : 'ADDED', event.object);
      visible.add(id);
    } else if (wasVisible) {
      send('DELETED', event.object);
      visible.delete(id);
    }
  });
  const bookmark = () =>
    send('BOOKMARK', {
      kind: resource.kind,
      apiVersion: groupVersion(resource),
      metadata: { resourceVersion: store.resourceVersion, annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
  const bookmarks = request.allowBookmarks ? setInterval(bookmark, request.bookmarkMs) : undefined;
  bookmarks?.unref();
  const timeout =
    request.timeoutSeconds === undefined ? undefined : setTimeout(() => response.end(), request.timeoutSeconds * 1000);
  const stop = () => {
    unsubscribe();
    clearInterval(bookmarks);
    clearTimeout(timeout);
  };
  response.on('close', stop);
  response.on('finish', stop);
}

/** A copy for a response body; kept here so lists and watches serialise the same objects. */
export function responseObject(object: KubeObject): KubeObject {
  return clone(object);
}
