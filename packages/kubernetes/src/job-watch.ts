import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { sleep } from '@loom/runtime';
import { type Backoff, backoffDelay } from './api-errors.ts';

/** What {@link watchObjects} hands on: the latest state of each object, or its deletion. */
export interface WatchedChange<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'LISTED';
  object: T;
}

export interface WatchObjectsOptions<T> {
  /** The collection, e.g. `/api/v1/namespaces/loom/pods`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** A list of the collection now: its items and resourceVersion (the watch goes on from there). */
  list(): Promise<{ items: T[]; resourceVersion: string | undefined }>;
  onChange(change: WatchedChange<T>): void;
  /** Told each time the watch broke and is started again. */
  onInterrupted?(reason: string): void;
  signal: AbortSignal;
  backoff?: Backoff;
}

/**
 * List-then-watch, the way informers do it: lists the collection, watches from the list's
 * resourceVersion, and when the watch ends (the API server's timeout, a broken connection, a
 * resourceVersion too old: 410) lists again and goes on. Runs until the signal aborts; never throws.
 */
export async function watchObjects<T>(kubeConfig: KubeConfig, options: WatchObjectsOptions<T>): Promise<void> {
  const watch = new Watch(kubeConfig);
  let failures = 0;
  while (!options.signal.aborted) {
    let resourceVersion: string | undefined;
    try {
      const listed = await options.list();
      failures = 0;
      resourceVersion = listed.resourceVersion;
      for (const object of listed.items) options.onChange({ type: 'LISTED', object });
    } catch (cause) {
      options.onInterrupted?.(`could not list ${options.path}: ${describe(cause)}`);
      await sleep(backoffDelay(++failures, options.backoff), options.signal);
      continue;
    }
    // Watches until the stream ends; an ERROR event (410 Gone above all) ends it too, so we list again.
    const ended = await new Promise<string | undefined>((resolve) => {
      let controller: AbortController | undefined;
      const onAbort = () => controller?.abort();
      options.signal.addEventListener('abort', onAbort, { once: true });
      const finish = (reason: string | undefined) => {
        options.signal.removeEventListener('abort', onAbort);
        controller?.abort();
        resolve(reason);
      };
      const query: Record<string, string | boolean> = { allowWatchBookmarks: true };
      if (resourceVersion !== undefined) query.resourceVersion = resourceVersion;
      if (options.labelSelector !== undefined) query.labelSelector = options.labelSelector;
      if (options.fieldSelector !== undefined) query.fieldSelector = options.fieldSelector;
      watch
        .watch(
          options.path,
          query,
          (type, object: T & { code?: number; message?: string }) => {
            if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') options.onChange({ type, object });
            else if (type === 'ERROR') finish(`the watch said ${object.code ?? ''} ${object.message ?? ''}`.trim());
          },
          (cause: unknown) => finish(cause === null || cause === undefined ? undefined : describe(cause)),
        )
        .then(
          (made) => {
            controller = made;
            if (options.signal.aborted) made.abort();
          },
          (cause: unknown) => finish(describe(cause)),
        );
    });
    if (options.signal.aborted) return;
    if (ended !== undefined) {
      options.onInterrupted?.(ended);
      await sleep(backoffDelay(++failures, options.backoff), options.signal);
    }
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: { code?: string } }).cause;
    return inner?.code === undefined ? cause.message : `${cause.message} (${inner.code})`;
  }
  return String(cause);
}
