import type { RunEvent } from '@loom/runtime';
import type { StoredRun } from '@loom/server/api-types';
import { applyRunEvents, type RunView, runViewFromSnapshot } from '../runs/run-projection.ts';
import type { SliceCreator } from './editor-types.ts';

/** `live`: events arrive; `reconnecting`: the stream dropped and is being re-opened from the last event seen. */
export type StreamState = 'idle' | 'live' | 'reconnecting';

/** The run shown on the canvas: the one just started, or a past one opened from the history. */
export interface RunSlice {
  runView: RunView | undefined;
  streamState: StreamState;
  showRun(snapshot: StoredRun): void;
  applyRunEvents(events: readonly RunEvent[]): void;
  closeRun(): void;
  setStreamState(state: StreamState): void;
}

export const createRunSlice: SliceCreator<RunSlice> = (set) => ({
  runView: undefined,
  streamState: 'idle',
  showRun(snapshot) {
    set((state) => {
      const view = runViewFromSnapshot(snapshot);
      // A fresh snapshot of the same run keeps the plan fetched for it.
      if (state.runView?.run.id === snapshot.id) view.plan = state.runView.plan;
      return { runView: view };
    });
  },
  applyRunEvents(events) {
    set((state) => {
      if (state.runView === undefined) return {};
      const own = events.filter((event) => event.runId === state.runView?.run.id);
      const next = applyRunEvents(state.runView, own);
      return next === state.runView ? {} : { runView: next };
    });
  },
  closeRun() {
    set({ runView: undefined, streamState: 'idle', drawerStep: undefined });
  },
  setStreamState(streamState) {
    set({ streamState });
  },
});
