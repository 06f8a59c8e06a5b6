import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '@loom/runtime';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LoomStore } from './loom-store.ts';

const SCRIPT = fileURLToPath(new URL('./test-fixtures/append-until-killed.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RUN = '20260301T120000Z-crash0';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-store-crash-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the writer, waits until it has written a while, and kills it without warning. */
async function writeUntilKilled(path: string): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, path], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await Promise.race([
    new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.includes('ready') && resolve())),
    exited.then(() => {
      throw new Error(`the writer stopped before it was killed:\n${stderr}`);
    }),
  ]);
  // Somewhere in the middle of a round, most likely inside a transaction.
  await sleep(50 + Math.random() * 100);
  child.kill('SIGKILL');
  return exited;
}

function allEvents(store: LoomStore, runId: string): RunEvent[] {
  const events: RunEvent[] = [];
  for (let page = store.eventsAfter(runId, 0); page.length > 0; page = store.eventsAfter(runId, events.length)) {
    events.push(...page);
  }
  return events;
}

it('leaves a sound file whose run rows agree with its events when the writer is killed', async () => {
  const path = join(dir, 'loom.db');
  // Killed three times: each later writer recovers the file (WAL) that the one before left.
  for (let kill = 1; kill <= 3; kill++) {
    expect(await writeUntilKilled(path)).toBe('SIGKILL');
    const check = new Database(path);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  }

  const store = LoomStore.open(path);
  const replayed = LoomStore.open(':memory:');
  try {
    const run = store.getRun(RUN);
    const definition = store.getRunDefinition(RUN);
    if (run === undefined || definition === undefined) throw new Error('the run was not stored');
    const events = allEvents(store, RUN);
    // Well past the first rounds, and no gap: every stored event was stored with its projection.
    expect(events.length).toBeGreaterThan(1500);
    expect(events.map((event) => event.seq)).toEqual(events.map((_event, index) => index + 1));
    expect(run.lastSeq).toBe(events.length);

    replayed.createRun({
      id: run.id,
      pipelineId: run.pipelineId,
      pipelineVersion: definition.pipelineVersion,
      document: definition.document,
      plan: definition.plan,
      options: definition.options,
      createdAt: run.createdAt,
    });
    replayed.appendEvents(events);
    expect(store.getRun(RUN)).toEqual(replayed.getRun(RUN));
    expect(run.resumeCount).toBeGreaterThan(60);
    for (const step of run.steps) expect(store.stepLogs(RUN, step.id)).toEqual(replayed.stepLogs(RUN, step.id));
  } finally {
    store.close();
    replayed.close();
  }
});
