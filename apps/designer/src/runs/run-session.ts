import type { RunEvent } from '@loom/runtime';
import type { LoomApi } from '../api/loom-api.ts';
import type { EditorStore } from '../store/editor-store.ts';

const RETRY_MS = [500, 1000, 2000, 4000, 8000];

/**
 * Watches one run: loads its snapshot, then follows its event stream from the snapshot's `lastSeq`.
 * When the stream drops (server restart, network), it re-opens it from the last event applied, so the
 * view catches up without gaps or repeats; it stops once the run has finished. Returns a stop function.
 */
export function watchRun(store: EditorStore, api: LoomApi, runId: string): () => void {
  let source: EventSource | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let stopped = false;
  let pending: RunEvent[] = [];
  let flushScheduled = false;

  // Events come in bursts (a fan-out of steps): apply them once per frame, not once each.
  const flush = () => {
    flushScheduled = false;
    const events = pending;
    pending = [];
    store.getState().applyRunEvents(events);
    if (events.some((event) => event.kind === 'run.finished')) {
      const status = store.getState().runView?.run.status;
      if (status !== 'running' && status !== 'queued') finish();
    }
  };
  const onEvent = (message: MessageEvent<string>) => {
    failures = 0;
    pending.push(JSON.parse(message.data) as RunEvent);
    if (!flushScheduled) {
      flushScheduled = true;
      requestAnimationFrame(flush);
    }
  };

  const open = () => {
    if (stopped) return;
    const view = store.getState().runView;
    const from = view?.run.id === runId ? view.run.lastSeq : 0;
    source = new EventSource(api.runEventsUrl(runId, from));
    for (const kind of EVENT_KINDS) source.addEventListener(kind, onEvent);
    source.onopen = () => store.getState().setStreamState('live');
    source.onerror = () => {
      if (stopped) return;
      store.getState().setStreamState('reconnecting');
      // The browser retries by itself while the connection is merely interrupted; once it gives up
      // (an error reply, a server that stayed down), open a new stream from the last event applied.
      if (source?.readyState === EventSource.CLOSED) {
        source.close();
        const delay = RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)] ?? 8000;
        retryTimer = setTimeout(() => void resync(), delay);
      }
    };
  };

  // After a long gap, a fresh snapshot is cheaper than replaying every event, and it also covers a
  // store that was reset under us.
  const resync = async () => {
    if (stopped) return;
    try {
      const snapshot = await api.getRun(runId);
      if (stopped) return;
      const view = store.getState().runView;
      if (view === undefined || view.run.id !== runId || snapshot.lastSeq > view.run.lastSeq)
        store.getState().showRun(snapshot);
      if (snapshot.status === 'running' || snapshot.status === 'queued') open();
      else finish();
    } catch {
      const delay = RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)] ?? 8000;
      retryTimer = setTimeout(() => void resync(), delay);
    }
  };

  const finish = () => {
    source?.close();
    source = undefined;
    store.getState().setStreamState('idle');
  };

  void resync();
  return () => {
    stopped = true;
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    finish();
  };
}

const EVENT_KINDS: ReadonlyArray<RunEvent['kind']> = [
  'run.started',
  'run.resumed',
  'step.queued',
  'step.started',
  'step.progress',
  'step.log',
  'step.metric',
  'step.retrying',
  'step.succeeded',
  'step.cached',
  'step.failed',
  'step.skipped',
  'step.cancelled',
  'run.finished',
];
