import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineDocument } from '@loom/graph';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoomStore } from '../store/loom-store.ts';
import { checkCron } from './cron.ts';
import { claimDueTick } from './schedule-ticks.ts';
import { SqliteScheduler } from './sqlite-scheduler.ts';

/*
 * The SQLite scheduler on a fake clock (Vitest's timers fake both Date and setTimeout): its timer and
 * the claim in the store, with real SQLite files. What a fired tick does (start a run) is the trigger
 * service's; here each fired tick is just counted.
 */

const GRACE_MS = 60_000;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

let dir: string;
let path: string;
const opened: LoomStore[] = [];
const schedulers: SqliteScheduler[] = [];

beforeEach(async () => {
  vi.useFakeTimers({ now: Date.parse('2026-05-01T09:59:30Z') });
  dir = await mkdtemp(join(tmpdir(), 'loom-scheduler-'));
  path = join(dir, 'loom.db');
});

afterEach(async () => {
  for (const scheduler of schedulers.splice(0)) await scheduler.close();
  for (const store of opened.splice(0)) store.close();
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

function open(): LoomStore {
  const store = LoomStore.open(path);
  opened.push(store);
  return store;
}

/** A scheduler over `store` that claims due ticks as the trigger service does, and notes each it fired. */
function scheduler(store: LoomStore, fired: number[]): SqliteScheduler {
  const instance = new SqliteScheduler({
    store: store.triggers,
    pollMs: 10_000,
    onDue: async (id, now) => {
      const claimed = claimDueTick(store.triggers, id, now, GRACE_MS);
      if (claimed?.fire !== undefined) fired.push(claimed.fire);
    },
  });
  schedulers.push(instance);
  return instance;
}

/** An hourly schedule whose next tick is the next full hour. */
function hourlySchedule(store: LoomStore, options: { paused?: boolean } = {}): string {
  const pipeline = store.createPipeline({ name: 'demo', nodes: [], edges: [] } as unknown as PipelineDocument);
  const check = checkCron('0 * * * *', 'UTC');
  if (!check.ok) throw new Error(check.message);
  return store.triggers.createTrigger({
    id: 'tr-hourly',
    name: 'hourly',
    kind: 'schedule',
    pipelineId: pipeline.pipelineId,
    parameters: {},
    cron: check.schedule.cron,
    timezone: check.schedule.timezone,
    paused: options.paused === true,
    nextTick: check.schedule.next(Date.now()),
  }).id;
}

describe('SqliteScheduler', () => {
  it('fires a tick once, when it comes, and the next one an hour later', async () => {
    const store = open();
    const id = hourlySchedule(store);
    const fired: number[] = [];
    await scheduler(store, fired).start();
    expect(fired).toEqual([]);

    await vi.advanceTimersByTimeAsync(29_000);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fired.map(iso)).toEqual(['2026-05-01T10:00:00.000Z']);
    await vi.advanceTimersByTimeAsync(HOUR - 1_000);
    expect(fired).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fired.map(iso)).toEqual(['2026-05-01T10:00:00.000Z', '2026-05-01T11:00:00.000Z']);

    expect(store.triggers.getTrigger(id)).toMatchObject({
      nextTick: '2026-05-01T12:00:00.000Z',
      lastTick: '2026-05-01T11:00:00.000Z',
    });
    expect(store.triggers.listFires(id)).toEqual([]);
  });

  it('fires each tick once with two schedulers on one database file', async () => {
    const first = open();
    hourlySchedule(first);
    const second = open();
    const fired: number[] = [];
    await scheduler(first, fired).start();
    await scheduler(second, fired).start();

    await vi.advanceTimersByTimeAsync(30_000 + 2 * HOUR);
    expect(fired.map(iso)).toEqual([
      '2026-05-01T10:00:00.000Z',
      '2026-05-01T11:00:00.000Z',
      '2026-05-01T12:00:00.000Z',
    ]);
  });

  it('sees a schedule another process added to the file within its poll', async () => {
    const watcher = open();
    const fired: number[] = [];
    await scheduler(watcher, fired).start();
    const other = open();
    hourlySchedule(other);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fired.map(iso)).toEqual(['2026-05-01T10:00:00.000Z']);
  });

  it('after a restart, reports the ticks missed while down as one fire and runs none of them', async () => {
    const before = open();
    const id = hourlySchedule(before);
    before.close();
    opened.splice(0);
    // Down from 09:59:30 to 13:30: the ticks of 10, 11, 12 and 13 o'clock were missed.
    vi.setSystemTime(Date.parse('2026-05-01T13:30:00Z'));

    const store = open();
    const fired: number[] = [];
    await scheduler(store, fired).start();
    expect(fired).toEqual([]);
    const fires = store.triggers.listFires(id);
    expect(fires).toHaveLength(1);
    expect(fires[0]).toMatchObject({
      outcome: 'missed',
      at: '2026-05-01T10:00:00.000Z',
      message:
        '4 ticks missed while the server was down, from 2026-05-01T10:00:00.000Z to 2026-05-01T13:00:00.000Z; not run',
      details: { missed: { count: 4, first: '2026-05-01T10:00:00.000Z', last: '2026-05-01T13:00:00.000Z' } },
    });
    expect(store.triggers.getTrigger(id)?.nextTick).toBe('2026-05-01T14:00:00.000Z');

    await vi.advanceTimersByTimeAsync(HOUR / 2);
    expect(fired.map(iso)).toEqual(['2026-05-01T14:00:00.000Z']);
    expect(store.triggers.listFires(id)).toHaveLength(1);
  });

  it('runs a tick that is late by less than the grace, and reports the ones before it', async () => {
    const before = open();
    const id = hourlySchedule(before);
    before.close();
    opened.splice(0);
    vi.setSystemTime(Date.parse('2026-05-01T12:00:20Z'));

    const store = open();
    const fired: number[] = [];
    await scheduler(store, fired).start();
    expect(fired.map(iso)).toEqual(['2026-05-01T12:00:00.000Z']);
    expect(store.triggers.listFires(id)).toEqual([
      expect.objectContaining({ outcome: 'missed', details: { missed: expect.objectContaining({ count: 2 }) } }),
    ]);
  });

  it('reports the missed ticks once when two servers start on the same file', async () => {
    const before = open();
    const id = hourlySchedule(before);
    before.close();
    opened.splice(0);
    vi.setSystemTime(Date.parse('2026-05-01T15:30:00Z'));

    const fired: number[] = [];
    const [a, b] = [open(), open()];
    await Promise.all([scheduler(a, fired).start(), scheduler(b, fired).start()]);
    expect(fired).toEqual([]);
    expect(a.triggers.listFires(id)).toHaveLength(1);
  });

  it('does not fire a paused schedule, nor report its ticks as missed', async () => {
    const store = open();
    const id = hourlySchedule(store, { paused: true });
    const fired: number[] = [];
    await scheduler(store, fired).start();
    await vi.advanceTimersByTimeAsync(3 * HOUR);
    expect(fired).toEqual([]);
    expect(store.triggers.listFires(id)).toEqual([]);
    expect(store.triggers.getTrigger(id)).not.toHaveProperty('nextTick');
  });
});
