import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '@loom/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJson } from './read-json.ts';
import { waitForFile } from './wait-for-file.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-wait-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('core.wait_for_file', () => {
  it('passes on a file that is already there, as an artifact', async () => {
    await writeFile(join(dir, 'drop.csv'), 'a,b\n1,2\n');
    const result = await runNode(waitForFile, { params: { path: 'drop.csv' }, baseDir: dir });
    expect(await readFile(result.outputs.file.path, 'utf8')).toBe('a,b\n1,2\n');
    expect(result.outputs.file.size).toBe(8);
    expect(result.progress[0]).toEqual({ fraction: 0, message: 'waiting for drop.csv' });
    await result.cleanup();
  });

  it('waits for a file that appears later, until it stops growing', async () => {
    const path = join(dir, 'late.json');
    setTimeout(() => void writeFile(path, '{"rows":'), 120);
    setTimeout(() => void writeFile(path, '{"rows":3}'), 200);
    const result = await runNode(waitForFile, { params: { path, poll_interval_ms: 50, settle_ms: 400 } });
    expect(await readFile(result.outputs.file.path, 'utf8')).toBe('{"rows":3}');
    await result.cleanup();
  });

  it('stops waiting when its signal is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(
      runNode(waitForFile, {
        params: { path: 'never.csv', poll_interval_ms: 50 },
        baseDir: dir,
        signal: controller.signal,
      }),
    ).rejects.toThrow(/abort/i);
  });

  it('refuses something that is not a regular file', async () => {
    await expect(runNode(waitForFile, { params: { path: dir } })).rejects.toThrow('is not a regular file');
  });
});

describe('reading a named pipe', () => {
  it('is refused at once instead of blocking a thread for good', async () => {
    const fifo = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    await expect(runNode(readJson, { params: { path: fifo } })).rejects.toThrow('is not a regular file');
    await expect(runNode(waitForFile, { params: { path: fifo } })).rejects.toThrow('is not a regular file');
  });
});
