import type { RunEvent } from '@loom/runtime';
import type { MetricPoint, StoredRun } from '@loom/server/api-types';
import { applyRunEvents, type RunView, runViewFromSnapshot } from '../runs/run-projection.ts';
import { addCurvePoints } from '../runs/training-curves.ts';
import type { SliceCreator } from './editor-types.ts';

/** `live`: events arrive; `reconnecting`: the stream dropped and is being re-opened from the last event seen. */
export type StreamState = 'idle' | 'live' | 'reconnecting';

/** The run shown on the canvas: the one just started, or a past one opened from the history. */
export interface RunSlice {
  runView: RunView | undefined;
  streamState: StreamState;
  showRun(snapshot: StoredRun): void;
  applyRunEvents(events: readonly RunEvent[]): void;
  /** Adds curve points read back from the server (a step's earlier points, after a reload) to the shown run. */
  addCurvePoints(runId: string, stepId: string, points: readonly MetricPoint[]): void;
  closeRun(): void;
  setStreamState(state: StreamState): void;
}

export const createRunSlice: SliceCreator<RunSlice> = (set) => ({
  runView: undefined,
  streamState: 'idle',
  showRun(snapshot) {
    set((state) => {
      const view = runViewFromSnapshot(snapshot);
      // A fresh snapshot of the same run keeps the plan fetched for it, and the curves it cannot hold.
      if (state.runView?.run.id === snapshot.id) {
        view.plan = state.runView.plan;
        view.curves = state.runView.curves;
      }
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
  addCurvePoints(runId, stepId, points) {
    set((state) => {
      const view = state.runView;
      if (view === undefined || view.run.id !== runId || view.steps[stepId] === undefined) return {};
      const current = view.curves?.[stepId];
      const next = addCurvePoints(current, points);
      return next === current ? {} : { runView: { ...view, curves: { ...view.curves, [stepId]: next } } };
    });
  },
  closeRun() {
    set({ runView: undefined, streamState: 'idle', drawerStep: undefined });
  },
  setStreamState(streamState) {
    set({ streamState });
  },
});
