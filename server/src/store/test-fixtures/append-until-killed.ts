/**
 * Child process of the crash-consistency test: appends run events to the store at `argv[2]` for ever,
 * singly and in batches, until the test kills it with SIGKILL. Prints `ready` once a fair amount of
 * history is stored. Started on a store it wrote before, it goes on with the same run.
 */
import type { RunEvent } from '@loom/runtime';
import { LoomStore } from '../loom-store.ts';
import { EventSource, newRun, output } from './runs.ts';

const CRASH_RUN_ID = '20260301T120000Z-crash0';
const STEPS = ['load', 'features', 'train', 'evaluate', 'report'];

const path = process.argv[2];
if (path === undefined) throw new Error('usage: append-until-killed.ts <database path>');
const store = LoomStore.open(path);
// Killed before, started again: go on from what the store holds, as a restarted server would.
const stored = store.getRun(CRASH_RUN_ID);
const events = new EventSource(CRASH_RUN_ID, stored?.lastSeq ?? 0);
const attempts = new Map<string, number>(stored?.steps.map((step) => [step.id, step.attempts]));
if (stored === undefined) {
  store.createRun(newRun(CRASH_RUN_ID, STEPS));
  store.appendEvents([events.emit({ kind: 'run.started', pipeline: 'demo', stepCount: STEPS.length })]);
} else {
  store.appendEvents([events.emit({ kind: 'run.resumed', reason: 'restart', reset: [] })]);
}

/** One step's life, varied by round: success, a retry and a failure, a cache hit, or a cancel. */
function lifecycle(stepId: string, variant: number): RunEvent[] {
  const attempt = (attempts.get(stepId) ?? 0) + 1;
  attempts.set(stepId, variant === 1 ? attempt + 1 : attempt);
  const failure = { reason: 'error', message: 'boom' } as const;
  switch (variant) {
    case 0:
      return events.succeed(stepId, attempt);
    case 1:
      return [
        events.emit({ kind: 'step.queued', stepId, attempt }),
        events.emit({ kind: 'step.started', stepId, attempt }),
        events.emit({ kind: 'step.log', stepId, attempt, level: 'warn', message: 'flaky' }),
        events.emit({ kind: 'step.retrying', stepId, attempt, failure, delayMs: 1 }),
        events.emit({ kind: 'step.queued', stepId, attempt: attempt + 1 }),
        events.emit({ kind: 'step.started', stepId, attempt: attempt + 1 }),
        events.emit({ kind: 'step.metric', stepId, attempt: attempt + 1, name: 'loss', value: Math.random() }),
        events.emit({ kind: 'step.failed', stepId, attempt: attempt + 1, durationMs: 3, failure }),
      ];
    case 2:
      return [
        events.emit({
          kind: 'step.cached',
          stepId,
          contentKey: `content-${stepId}`,
          outputs: { out: output(stepId) },
          metrics: { rows: 10 },
          fromRunId: 'older',
        }),
      ];
    default:
      return [
        events.emit({ kind: 'step.queued', stepId, attempt }),
        events.emit({ kind: 'step.started', stepId, attempt }),
        events.emit({ kind: 'step.progress', stepId, attempt, fraction: Math.random() }),
        events.emit({ kind: 'step.cancelled', stepId }),
      ];
  }
}

let round = 0;
function nextRound(): void {
  STEPS.forEach((stepId, index) => {
    const life = lifecycle(stepId, (round + index) % 4);
    // Both write patterns of the server: one event at a time, and a batch.
    if (index % 2 === 0) for (const event of life) store.appendEvents([event]);
    else store.appendEvents(life);
  });
  store.appendEvents([
    events.emit({ kind: 'run.finished', status: 'failed', durationMs: round }),
    events.emit({ kind: 'run.resumed', reason: 'resume', reset: STEPS }),
  ]);
  round += 1;
  if (round === 20) process.stdout.write('ready\n');
  setImmediate(nextRound);
}
nextRound();
