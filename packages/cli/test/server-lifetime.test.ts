/**
 * `loom start` must not outlive what started it: the README's `pnpm loom start &` recipe once left a
 * server holding its port (parent PID 1) after pnpm got SIGTERM, since pnpm's `sh -c` never passes the
 * signal on. Linux only: it reads the process tree from /proc.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOOM_BIN } from './loom-process.ts';
import { afterEachTest } from './loom-server.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const test = afterEachTest();

/** Polls `check` every 100 ms until it holds; fails naming `what` after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether `pid` is a live process: an exited one is gone, or a zombie that nobody has reaped yet. */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The ids of `pid`'s descendants, read from /proc (children are listed per thread that started them). */
async function descendants(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const thread of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const text = await readFile(`/proc/${pid}/task/${thread}/children`, 'utf8').catch(() => '');
    children.push(
      ...text
        .split(/\s+/)
        .filter((id) => id !== '')
        .map(Number),
    );
  }
  const below = await Promise.all(children.map(descendants));
  return [...children, ...below.flat()];
}

/** After a failed test: an orphaned server must not linger, holding its port. */
function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}

async function commandLine(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
}

/** Whether something accepts connections on `port` of the loopback address. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolveListening) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveListening(true);
    });
    socket.once('error', () => resolveListening(false));
  });
}

/** Waits for the "serving on" line in `log` and returns its port. */
async function servingPort(log: string): Promise<number> {
  return waitFor('the server to listen', async () => {
    const port = /serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(await readFile(log, 'utf8'))?.[1];
    return port === undefined ? undefined : Number(port);
  });
}

/**
 * After its parent went: the server process ends, its port is free, its step runners are gone, and
 * it closed the store (SQLite removes the write-ahead log when the last connection closes cleanly).
 */
async function expectStoppedCleanly(server: number, port: number, runners: number[], home: string, log: string) {
  await waitFor('the server to exit', async () => ((await alive(server)) ? undefined : true));
  await waitFor('the port to be free', async () => ((await listening(port)) ? undefined : true));
  for (const runner of runners) {
    await waitFor(`step runner ${runner} to exit`, async () => ((await alive(runner)) ? undefined : true));
  }
  expect(await readFile(log, 'utf8')).toContain('stopping (its parent process exited)…');
  expect(existsSync(join(home, 'loom.db'))).toBe(true);
  expect(existsSync(join(home, 'loom.db-wal'))).toBe(false);
}

describe.runIf(process.platform === 'linux')('loom start and its parent', { timeout: 90_000 }, () => {
  // SIGTERM is what `kill %1` sends after the README's `pnpm loom start &`; SIGKILL ends pnpm at once,
  // leaving its `sh -c` behind as the server's parent.
  it.each(['SIGTERM', 'SIGKILL'] as const)('stops cleanly when `pnpm loom start` gets %s', async (signal) => {
    const dir = await test.tempDir('loom-lifetime-');
    const home = join(dir, 'home');
    const log = join(dir, 'pnpm.log');
    const output = openSync(log, 'w');
    const { LOOM_HOME: _home, ...env } = process.env;
    const pnpm = test.track({
      child: spawn('pnpm', ['loom', 'start', '--port', '0', '--home', home], {
        cwd: REPO,
        env: { ...env, NO_COLOR: '1' },
        stdio: ['ignore', output, output],
      }),
    });
    const port = await servingPort(log);
    const pnpmPid = pnpm.child.pid ?? 0;
    const tree = await descendants(pnpmPid);
    const lines = await Promise.all(tree.map(async (pid) => ({ pid, line: await commandLine(pid) })));
    const server = lines.find(({ line }) => /^\S*node .*bin\/loom\.js start/.test(line))?.pid;
    if (server === undefined) throw new Error(`no loom server below pnpm: ${JSON.stringify(lines)}`);
    test.later(async () => killIfAlive(server));
    const runners = lines.filter(({ line }) => line.includes('step-runner-child')).map(({ pid }) => pid);
    expect(runners.length).toBeGreaterThan(0);

    pnpm.child.kill(signal);
    await expectStoppedCleanly(server, port, runners, home, log);
  });

  it('stops cleanly when the node process that started it is killed with SIGKILL', async () => {
    const dir = await test.tempDir('loom-lifetime-');
    const home = join(dir, 'home');
    const log = join(dir, 'server.log');
    // A parent that starts the server as any supervisor would and prints its pid; SIGKILL gives it no
    // chance to pass anything on.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const { openSync } = require('node:fs');
      const log = openSync(${JSON.stringify(log)}, 'w');
      const server = spawn(process.execPath, [${JSON.stringify(LOOM_BIN)}, 'start', '--port', '0', '--home', ${JSON.stringify(home)}], { stdio: ['ignore', log, log] });
      console.log(server.pid);
      setInterval(() => {}, 60_000);
    `;
    const { LOOM_HOME: _home, ...env } = process.env;
    const parent = test.track({
      child: spawn(process.execPath, ['-e', parentScript], { env: { ...env, NO_COLOR: '1' }, stdio: 'pipe' }),
    });
    let printed = '';
    parent.child.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const server = await waitFor('the server pid', () => (/^\d+$/m.test(printed) ? Number(printed.trim()) : undefined));
    test.later(async () => killIfAlive(server));
    const port = await servingPort(log);
    const runners = [];
    for (const pid of await descendants(server)) {
      if ((await commandLine(pid)).includes('step-runner-child')) runners.push(pid);
    }

    parent.child.kill('SIGKILL');
    await expectStoppedCleanly(server, port, runners, home, log);
  });
});
