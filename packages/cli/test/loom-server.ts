// `loom start` and `loom worker` as real processes, and the HTTP calls the CLI's server tests make.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach } from 'vitest';
import { LOOM_BIN } from './loom-process.ts';

export interface LoomServerProcess {
  child: ChildProcess;
  /** The first stderr line matching `ready`. */
  line: Promise<string>;
  exited: Promise<number | null>;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the next stderr line matching `pattern` (written after this call). */
  nextLine(pattern: RegExp): Promise<string>;
}

/** Starts `loom ARGS` (LOOM_HOME unset unless `env` sets it); `line` resolves with the first stderr line matching `ready`. */
export function startLoom(args: string[], env: Record<string, string>, ready: RegExp, cwd?: string): LoomServerProcess {
  const { LOOM_HOME: _home, ...inherited } = process.env;
  const child = spawn(process.execPath, [LOOM_BIN, ...args], {
    env: { ...inherited, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(cwd === undefined ? {} : { cwd }),
  });
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve(line: string): void }> = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (text) => {
    stderr += `${text}\n`;
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(text);
      }
    }
  });
  const nextLine = (pattern: RegExp) => new Promise<string>((resolve) => waiters.push({ pattern, resolve }));
  const line = new Promise<string>((resolveLine, rejectLine) => {
    waiters.push({ pattern: ready, resolve: resolveLine });
    child.once('exit', (code) => rejectLine(new Error(`loom ${args.join(' ')} exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { child, line, exited, stderr: () => stderr, nextLine };
}

/** The address a `loom start` printed on its "serving on" line. */
export async function servingAddress(server: LoomServerProcess): Promise<string> {
  return (/serving on (http:\/\/[^ ]+)/.exec(await server.line)?.[1] ?? '') as string;
}

export async function json<T>(response: Response): Promise<T> {
  const body = await response.text();
  if (!response.ok) throw new Error(`${response.status}: ${body}`);
  return JSON.parse(body) as T;
}

export function post(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export interface RunView {
  id: string;
  status: string;
  steps: Array<{
    id: string;
    status: string;
    outputs: Record<string, { sha256: string }>;
    failure?: { reason: string; message: string };
  }>;
}

/** Saves `document`, runs it and waits for the run to end. */
export async function runDocument(base: string, document: unknown, timeoutMs = 90_000): Promise<RunView> {
  const saved = await json<{ id: string }>(await post(base, '/api/pipelines', document));
  let run = await json<RunView>(await post(base, `/api/pipelines/${saved.id}/runs`, {}));
  const deadline = Date.now() + timeoutMs;
  while (!['succeeded', 'failed', 'cancelled'].includes(run.status)) {
    if (Date.now() > deadline) throw new Error(`the run did not finish: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 200));
    run = await json<RunView>(await fetch(`${base}/api/runs/${run.id}`));
  }
  return run;
}

/** The log lines of one step of a run. */
export async function stepLogs(base: string, runId: string, step: string): Promise<string[]> {
  const body = await json<{ logs: Array<{ message: string }> }>(
    await fetch(`${base}/api/runs/${runId}/steps/${step}/logs`),
  );
  return body.logs.map((line) => line.message);
}

/** A pipeline document of one node. */
export function singleNodeDocument(
  name: string,
  type: string,
  version = '1.0.0',
  params: Record<string, unknown> = {},
) {
  return {
    format: 'loom.pipeline',
    formatVersion: 2,
    name,
    description: '',
    nodes: [{ id: 'only', type, version, params }],
    edges: [],
  };
}

/**
 * What a test file starts and creates, undone after each test: processes killed, then clean-ups run in
 * reverse order (a temporary folder, a Redis). Call once at the top of a test file.
 */
export function afterEachTest() {
  const running: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  }, 30_000);
  return {
    /** Kills `started`'s process after the test if it is still running. */
    track<T extends { child: ChildProcess }>(started: T): T {
      running.push(started.child);
      return started;
    },
    later(cleanup: () => Promise<void>): void {
      cleanups.push(cleanup);
    },
    /** A temporary folder, removed after the test. */
    async tempDir(prefix: string): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}
