import type { TriggerStore } from '../store/trigger-store.ts';
import { checkCron } from './cron.ts';

/** Past this many ticks in one claim, the missed count says "at least": counting them all could take seconds. */
const MAX_COUNTED_TICKS = 100_000;

/** What a claim gave its claimer: the tick to fire, if one was still on time. */
export interface ClaimedTick {
  /** Epoch ms of the tick to run now; absent when every due tick was missed. */
  fire?: number;
}

/**
 * Accounts for a schedule's due ticks at `now`: every tick from its `next_tick` up to `now` is either
 * fired (the latest, when it is at most `graceMs` late) or reported as missed (all the others, in one
 * `missed` fire), and `next_tick` moves to the first tick after `now`. That is one conditional update
 * of the row, so of two servers (or a server and the one before it) that account for the same tick,
 * exactly one gets it; the other gets undefined, as does a schedule with nothing due.
 *
 * A server that was down thus reports what it missed and runs at most one tick on coming back, not
 * a burst of runs for the ticks it slept through.
 */
export function claimDueTick(store: TriggerStore, id: string, now: number, graceMs: number): ClaimedTick | undefined {
  const state = store.schedule(id);
  if (state === undefined || state.paused || state.nextTick === null || state.nextTick > now) return undefined;
  const check = checkCron(state.cron, state.timezone);
  // Stored schedules were checked when saved; one that no longer reads (a time zone dropped from the
  // system's data) stops rather than waking this loop for ever.
  if (!check.ok) {
    store.updateTrigger(id, { paused: true });
    store.recordFire({
      triggerId: id,
      at: new Date(now).toISOString(),
      outcome: 'failed',
      message: `the schedule was paused: ${check.message}`,
    });
    return undefined;
  }
  const due = state.nextTick;
  const { ticks, more } = check.schedule.between(due, now, MAX_COUNTED_TICKS);
  // `due` is a tick of the schedule unless the schedule was changed under it; then count from it anyway.
  if (ticks.length === 0) ticks.push(due);
  const latest = ticks.at(-1) ?? due;
  const onTime = !more && now - latest <= graceMs;
  const missed = onTime ? ticks.slice(0, -1) : ticks;
  const next = check.schedule.next(now);
  const first = missed[0];
  const last = missed.at(-1);
  const claimed = store.claimTick({
    id,
    due,
    next,
    last: latest,
    ...(first === undefined || last === undefined
      ? {}
      : {
          missed: {
            triggerId: id,
            at: new Date(first).toISOString(),
            outcome: 'missed',
            message: missedMessage(missed.length, more, first, last),
            details: {
              missed: {
                count: missed.length,
                first: new Date(first).toISOString(),
                last: new Date(last).toISOString(),
              },
            },
          },
        }),
  });
  if (!claimed) return undefined;
  return onTime ? { fire: latest } : {};
}

function missedMessage(count: number, more: boolean, first: number, last: number): string {
  const iso = (at: number) => new Date(at).toISOString();
  const ticks = `${more ? 'at least ' : ''}${count} tick${count === 1 && !more ? '' : 's'}`;
  const span = count === 1 && !more ? `at ${iso(first)}` : `from ${iso(first)} to ${iso(last)}`;
  return `${ticks} missed while the server was down, ${span}; not run`;
}
