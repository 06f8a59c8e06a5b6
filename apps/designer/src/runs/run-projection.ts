import type { Plan } from '@loom/compiler';
import type { RunEvent, StepStatus } from '@loom/runtime';
import type { MetricPoint, StoredRun, StoredStep } from '@loom/server/api-types';
import { addCurvePoints, type StepCurves, startAttempt } from './training-curves.ts';

/** A run as the designer shows it: the server's snapshot with later events folded in. */
export interface RunView {
  run: Omit<StoredRun, 'steps'>;
  steps: Readonly<Record<string, StoredStep>>;
  /** Step ids in plan order. */
  order: readonly string[];
  /** The run's compiled plan, once fetched: its cache keys say whether a step will re-run now. */
  plan?: Plan | undefined;
  /**
   * The curves each step reports as it runs (a trainer's loss per iteration), of its latest attempt.
   * The run's snapshot has only each metric's latest value: these come from the live events, and from
   * the server's stored events when the drawer asks for them.
   */
  curves?: Readonly<Record<string, StepCurves>> | undefined;
}

/** Whether a run or step with this status has yet to end (queued or running). */
export function inProgress(status: StepStatus | StoredRun['status'] | undefined): boolean {
  return status === 'running' || status === 'queued';
}

export function runViewFromSnapshot(snapshot: StoredRun): RunView {
  const { steps, ...run } = snapshot;
  const byId: Record<string, StoredStep> = {};
  for (const step of steps) byId[step.id] = step;
  return { run, steps: byId, order: steps.map((step) => step.id) };
}

/**
 * Folds events into a run view, the same way the server's store projects them, so a view built from a
 * snapshot plus the events after its `lastSeq` equals a later snapshot; metrics reported with a step
 * also go into the step's curves. Events at or before `lastSeq` are ignored (a replay after a
 * reconnect). Returns the same view when nothing changed.
 */
export function applyRunEvents(view: RunView, events: readonly RunEvent[]): RunView {
  let run = view.run;
  let steps: Record<string, StoredStep> | undefined;
  let curves: Record<string, StepCurves> | undefined;
  // Curve points are added once per step at the end, not one copy of the curve per event.
  const points = new Map<string, MetricPoint[]>();
  const writable = () => {
    steps ??= { ...view.steps };
    return steps;
  };
  const writableCurves = () => {
    curves ??= { ...view.curves };
    return curves;
  };
  const current = (id: string) => (steps ?? view.steps)[id];
  const patchStep = (id: string, patch: Partial<StoredStep>) => {
    const step = current(id);
    if (step === undefined) return;
    writable()[id] = { ...step, ...patch };
  };

  for (const event of events) {
    if (event.seq <= run.lastSeq) continue;
    run = { ...run, lastSeq: event.seq };
    switch (event.kind) {
      case 'run.started':
        run = { ...run, status: 'running', startedAt: event.at };
        break;
      case 'run.resumed': {
        const { finishedAt: _f, durationMs: _d, ...rest } = run;
        run = { ...rest, status: 'running', resumeCount: run.resumeCount + 1 };
        for (const id of event.reset) {
          const step = current(id);
          if (step === undefined) continue;
          const { failure: _a, skippedBecause: _b, contentKey: _c, cachedFromRun: _e, startedAt: _s, ...kept } = step;
          const { finishedAt: _g, durationMs: _h, progress: _p, ...base } = kept;
          writable()[id] = { ...base, status: 'pending', outputs: {}, metrics: {} };
          writableCurves()[id] = startAttempt(event.seq);
        }
        break;
      }
      case 'step.queued': {
        const step = current(event.stepId);
        if (step === undefined) break;
        const { progress: _p, ...rest } = step;
        writable()[event.stepId] = { ...rest, status: 'queued', attempts: event.attempt };
        writableCurves()[event.stepId] = startAttempt(event.seq);
        break;
      }
      case 'step.started':
        patchStep(event.stepId, { status: 'running', startedAt: event.at });
        break;
      case 'step.progress':
        patchStep(event.stepId, {
          progress:
            event.message === undefined
              ? { fraction: event.fraction }
              : { fraction: event.fraction, message: event.message },
        });
        break;
      case 'step.metric': {
        const step = current(event.stepId);
        if (step === undefined) break;
        patchStep(event.stepId, { metrics: { ...step.metrics, [event.name]: event.value } });
        if (event.step !== undefined) {
          const point = {
            seq: event.seq,
            attempt: event.attempt,
            name: event.name,
            step: event.step,
            value: event.value,
          };
          const added = points.get(event.stepId);
          if (added === undefined) points.set(event.stepId, [point]);
          else added.push(point);
        }
        break;
      }
      case 'step.log':
      case 'step.retrying':
        break;
      case 'step.succeeded':
        patchStep(event.stepId, {
          status: 'succeeded',
          finishedAt: event.at,
          durationMs: event.durationMs,
          contentKey: event.contentKey,
          outputs: event.outputs,
          metrics: event.metrics,
        });
        break;
      case 'step.cached':
        patchStep(event.stepId, {
          status: 'cached',
          finishedAt: event.at,
          contentKey: event.contentKey,
          outputs: event.outputs,
          metrics: event.metrics,
          cachedFromRun: event.fromRunId,
        });
        break;
      case 'step.failed':
        patchStep(event.stepId, {
          status: 'failed',
          finishedAt: event.at,
          durationMs: event.durationMs,
          failure: event.failure,
        });
        break;
      case 'step.skipped':
        patchStep(event.stepId, { status: 'skipped', skippedBecause: event.because });
        break;
      case 'step.cancelled':
        patchStep(event.stepId, { status: 'cancelled', finishedAt: event.at });
        break;
      case 'run.finished':
        run = { ...run, status: event.status, finishedAt: event.at, durationMs: event.durationMs };
        break;
      default: {
        const unknown: never = event;
        void unknown;
      }
    }
  }
  for (const [stepId, added] of points) {
    const current = (curves ?? view.curves)?.[stepId];
    const next = addCurvePoints(current, added);
    if (next !== current) writableCurves()[stepId] = next;
  }
  if (run === view.run && steps === undefined && curves === undefined) return view;
  return { ...view, run, steps: steps ?? view.steps, curves: curves ?? view.curves };
}

/**
 * The step counts as the status bar says them: `done/total` while the run goes on or when every step
 * finished well, and what went otherwise once it ended ("1 failed, 4 skipped", "2 done, 1 cancelled"),
 * so a failed run never reads as "5/5".
 *
 * @example
 * countsSummary({ ...zero, failed: 1, skipped: 4 }, 5, false); // '1 failed, 4 skipped'
 */
export function countsSummary(counts: Record<StepStatus, number>, total: number, running: boolean): string {
  const ok = counts.succeeded + counts.cached;
  const finished = finishedCount(counts);
  const bad = finished - ok;
  if (running || bad === 0) return `${finished}/${total}`;
  const parts: string[] = [];
  if (ok > 0) parts.push(`${ok} done`);
  for (const status of ['failed', 'cancelled', 'skipped'] as const) {
    if (counts[status] > 0) parts.push(`${counts[status]} ${status}`);
  }
  const left = total - finished;
  if (left > 0) parts.push(`${left} not run`);
  return parts.join(', ');
}

/** How many steps have finished, well or not: succeeded, cached, failed, skipped or cancelled. */
export function finishedCount(counts: Record<StepStatus, number>): number {
  return counts.succeeded + counts.cached + counts.failed + counts.skipped + counts.cancelled;
}

/** Counts of steps by status, for progress bars. */
export function stepCounts(view: RunView): Record<StepStatus, number> {
  const counts: Record<StepStatus, number> = {
    pending: 0,
    queued: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    cached: 0,
    cancelled: 0,
    skipped: 0,
  };
  for (const id of view.order) {
    const step = view.steps[id];
    if (step !== undefined) counts[step.status as StepStatus]++;
  }
  return counts;
}
