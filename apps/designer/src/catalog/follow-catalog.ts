import { openEventStream, type StreamMessage } from '../api/event-stream.ts';
import type { LoomApi } from '../api/loom-api.ts';
import type { EditorStore } from '../store/editor-store.ts';
import { catalogContext } from './catalog-context.ts';

/** Pauses before reconnecting a dropped stream, growing while the server stays away. */
const RETRY_MS = [500, 1000, 2000, 4000, 8000];

/** What following the catalog needs of the server ({@link LoomApi} has it). */
export type CatalogApi = Pick<LoomApi, 'catalog' | 'catalogEventsUrl' | 'authHeaders'>;

/**
 * Keeps the editor's catalog the server's. It listens to `GET /api/nodes/events`; whenever the server
 * announces a registry revision other than the one the editor has, it fetches `GET /api/nodes` again
 * and puts the new catalog in place, so the palette, the canvas and the compiler's diagnostics follow
 * the server's plugins without a page reload, and says "Nodes reloaded".
 *
 * When the stream drops it reconnects after a growing pause. The server's first event on every
 * connection carries its current revision, so a reload that happened while the stream was away (or
 * between the first fetch and the first connection) is caught up. Returns a stop function.
 *
 * @param openStream how to open the event stream (tests pass a fake).
 */
export function followCatalog(store: EditorStore, api: CatalogApi, openStream = openEventStream): () => void {
  let stopped = false;
  let closeStream: (() => void) | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  /** The newest revision the server announced. */
  let announced: number | undefined;
  let fetching = false;

  const reload = async () => {
    if (fetching) return;
    fetching = true;
    try {
      let target: number | undefined;
      // Again when another reload was announced while this one was being fetched.
      do {
        target = announced;
        const { catalog, revision } = await api.catalog();
        if (stopped) return;
        const current = store.getState().catalog;
        const next = revision ?? target;
        if (JSON.stringify(catalog) === JSON.stringify(current.catalog)) {
          // Same nodes under a new revision (the server restarted): nothing to tell the user.
          if (next !== undefined) store.getState().replaceCatalog({ ...current, revision: next });
        } else {
          store.getState().replaceCatalog(catalogContext(catalog, next));
          store.getState().toast('info', 'Nodes reloaded');
        }
      } while (!stopped && announced !== target);
    } catch (cause) {
      if (!stopped) store.getState().toast('error', `Cannot reload the nodes: ${(cause as Error).message}`);
    } finally {
      fetching = false;
    }
  };

  const onMessage = (message: StreamMessage) => {
    if (message.event !== 'catalog') return;
    const revision = revisionOf(message.data);
    if (revision === undefined) return;
    announced = revision;
    if (revision !== store.getState().catalog.revision) void reload();
  };

  const open = () => {
    if (stopped) return;
    closeStream = openStream(api.catalogEventsUrl(), api.authHeaders(), {
      onOpen: () => {
        failures = 0;
      },
      onMessage,
      onClose: () => {
        closeStream = undefined;
        if (stopped) return;
        const delay = RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)] ?? 8000;
        retryTimer = setTimeout(open, delay);
      },
    });
  };

  open();
  return () => {
    stopped = true;
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    closeStream?.();
    closeStream = undefined;
  };
}

/** The revision a `catalog` event announces, or undefined when its data is not `{ "revision": N }`. */
function revisionOf(data: string): number | undefined {
  try {
    const revision = (JSON.parse(data) as { revision?: unknown }).revision;
    return typeof revision === 'number' && Number.isInteger(revision) ? revision : undefined;
  } catch {
    return undefined;
  }
}
