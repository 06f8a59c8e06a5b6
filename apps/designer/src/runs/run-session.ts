import type { RunEvent } from '@loom/runtime';
import { openEventStream, type StreamMessage } from '../api/event-stream.ts';
import type { LoomApi } from '../api/loom-api.ts';
import type { EditorStore } from '../store/editor-store.ts';
import { inProgress } from './run-projection.ts';

const RETRY_MS = [500, 1000, 2000, 4000, 8000];

/**
 * Watches one run: loads its snapshot, then follows its event stream from the snapshot's `lastSeq`.
 * When the stream drops (server restart, network), it re-opens it from the last event applied, so the
 * view catches up without gaps or repeats; it stops once the run has finished. Returns a stop function.
 */
export function watchRun(store: EditorStore, api: LoomApi, runId: string): () => void {
  let closeStream: (() => void) | undefined;
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
    if (events.some((event) => event.kind === 'run.finished') && !isActive(store)) finish();
  };
  const onMessage = (message: StreamMessage) => {
    if (!KINDS.has(message.event)) return;
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
    closeStream = openEventStream(api.runEventsUrl(runId, from), api.authHeaders(), {
      onOpen: () => {
        failures = 0;
        store.getState().setStreamState('live');
      },
      onMessage,
      onClose: () => {
        closeStream = undefined;
        if (stopped || (!isActive(store) && pending.length === 0)) return;
        // Dropped (server restart, network): reconnect from the last event applied, after a pause that
        // grows while the server stays away.
        store.getState().setStreamState('reconnecting');
        retryLater();
      },
    });
  };

  const retryLater = () => {
    const delay = RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)] ?? 8000;
    retryTimer = setTimeout(() => void resync(), delay);
  };

  // A snapshot first: after a long gap it is cheaper than replaying every event, and it covers a run
  // that finished while the stream was away.
  const resync = async () => {
    if (stopped) return;
    try {
      const snapshot = await api.getRun(runId);
      if (stopped) return;
      const view = store.getState().runView;
      if (view === undefined || view.run.id !== runId || snapshot.lastSeq > view.run.lastSeq)
        store.getState().showRun(snapshot);
      if (inProgress(snapshot.status)) open();
      else finish();
    } catch {
      retryLater();
    }
  };

  const finish = () => {
    closeStream?.();
    closeStream = undefined;
    store.getState().setStreamState('idle');
  };

  void resync();
  return () => {
    stopped = true;
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    finish();
  };
}

function isActive(store: EditorStore): boolean {
  return inProgress(store.getState().runView?.run.status);
}

const KINDS: ReadonlySet<string> = new Set<RunEvent['kind']>([
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
]);
