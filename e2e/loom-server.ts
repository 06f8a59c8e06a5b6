// One real `loom start` process for the end-to-end tests: a temporary home, a free loopback port,
// readiness through GET /healthz, its output kept to explain failures, and a stop that always ends it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { designerDir, EXAMPLES, LOOM_BIN, REPO_ROOT } from './paths.ts';

/** Data folders the server may read: the iris example first (relative paths resolve against it), then the rest. */
export const DATA_ROOTS = [
  join(EXAMPLES, 'iris-classification'),
  join(EXAMPLES, 'diabetes-regression'),
  join(EXAMPLES, 'penguin-sex-classification'),
  join(EXAMPLES, 'model-report'),
  EXAMPLES,
];

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
/** Output kept per server; older output is dropped first. */
const OUTPUT_LIMIT = 1_000_000;

/** What a fixture's `init` adds to `fetch`'s: `json` is sent as the body, with its content type. */
export type ApiInit = RequestInit & { json?: unknown };

/**
 * How the server is set up: `harness` (the default) reads the examples' folders as data folders from a
 * temporary working folder; `plain` is a user's `pnpm loom start` in a fresh clone: started in the
 * repository, no LOOM_DATA_ROOTS or LOOM_EXAMPLES_DIR, only its own defaults.
 */
export type ServerSetup = 'harness' | 'plain';

export class LoomServer {
  /** The server's base address, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** Its state directory (`--home`): `loom.db`, artifacts, cache. Removed when the server stops. */
  readonly home: string;
  readonly #dir: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #output = '';
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #stopping = false;

  private constructor(
    dir: string,
    home: string,
    port: number,
    env: Record<string, string>,
    args: readonly string[],
    setup: ServerSetup,
  ) {
    this.#dir = dir;
    this.home = home;
    this.url = `http://127.0.0.1:${port}`;
    // The embedded defaults (in-process steps, no token), whatever the shell running the tests has set.
    const {
      LOOM_HOME: _home,
      LOOM_API_TOKEN: _token,
      REDIS_URL: _redis,
      LOOM_QUEUE_PREFIX: _prefix,
      FORCE_COLOR: _color,
      npm_lifecycle_event: _script,
      LOOM_DATA_ROOTS: _roots,
      LOOM_EXAMPLES_DIR: _examples,
      ...inherited
    } = process.env;
    const harness = setup === 'harness' ? { LOOM_DATA_ROOTS: DATA_ROOTS.join(delimiter) } : {};
    this.#child = spawn(
      process.execPath,
      [LOOM_BIN, 'start', '--host', '127.0.0.1', '--port', String(port), '--home', home, ...args],
      {
        cwd: setup === 'plain' ? REPO_ROOT : dir,
        env: {
          ...inherited,
          NO_COLOR: '1',
          ...harness,
          LOOM_DESIGNER_DIR: designerDir(),
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (chunk: Buffer) => {
      this.#output += chunk.toString();
      if (this.#output.length > OUTPUT_LIMIT) this.#output = this.#output.slice(-OUTPUT_LIMIT);
    };
    this.#child.stdout?.on('data', keep);
    this.#child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) => {
      this.#child.once('error', (error) => {
        keep(Buffer.from(`\n[harness] could not start loom: ${error.message}\n`));
        this.#exit ??= { code: null, signal: null };
        resolve();
      });
      this.#child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve();
      });
    });
    // A worker that dies without tearing down its fixtures must not leave servers behind.
    process.once('exit', this.#killOnExit);
  }

  /**
   * Starts `loom start` on a free port with a fresh temporary home and waits until GET /healthz
   * answers. `env` is added to (and wins over) the harness's environment; `args` are added to the
   * command line (e.g. `--dev`); `setup` says which data folders it reads (see {@link ServerSetup}).
   */
  static async start(
    env: Record<string, string> = {},
    args: readonly string[] = [],
    setup: ServerSetup = 'harness',
  ): Promise<LoomServer> {
    const dir = await mkdtemp(join(tmpdir(), 'loom-e2e-'));
    let lastError: unknown;
    // A free port can be taken between choosing it and the server binding it: try another then.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const server = new LoomServer(dir, join(dir, `home-${attempt}`), await freePort(), env, args, setup);
      try {
        await server.#ready();
        return server;
      } catch (error) {
        lastError = error;
        await server.#terminate();
        if (!/EADDRINUSE/.test(server.#output)) break;
      }
    }
    await rm(dir, { recursive: true, force: true });
    throw lastError;
  }

  /** The server process's id (to signal it in a test about crashes). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Whether the process ended without being asked to. */
  get crashed(): boolean {
    return this.#exit !== undefined && !this.#stopping;
  }

  /** Everything the server wrote to stdout and stderr so far. */
  get output(): string {
    return this.#output;
  }

  /** `fetch` against the server: `path` is relative to `url`; `json` becomes a JSON body. */
  async fetch(path: string, init: ApiInit = {}): Promise<Response> {
    const { json, ...rest } = init;
    const request: RequestInit = rest;
    if (json !== undefined) {
      const headers = new Headers(rest.headers);
      headers.set('content-type', 'application/json');
      request.headers = headers;
      request.body = JSON.stringify(json);
    }
    try {
      return await fetch(new URL(path, this.url), request);
    } catch (cause) {
      if (this.#exit !== undefined) throw this.crashError();
      throw new Error(`${request.method ?? 'GET'} ${path} failed: ${String(cause)}`, { cause });
    }
  }

  /**
   * `fetch` that expects a 2xx answer and returns its JSON body (`undefined` when empty); any other
   * status throws with the status and the body, so a failing call explains itself.
   */
  async api<T = unknown>(path: string, init: ApiInit = {}): Promise<T> {
    const response = await this.fetch(path, init);
    const text = await response.text();
    const what = `${init.method ?? 'GET'} ${path}`;
    if (!response.ok) throw new Error(`${what} answered ${response.status}: ${text}`);
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`${what} answered ${response.status} with a body that is not JSON: ${text.slice(0, 500)}`);
    }
  }

  /** An error that says how the server ended and shows the end of its output. */
  crashError(): Error {
    return new Error(
      `The Loom server at ${this.url} (pid ${this.#child.pid ?? '?'}) exited unexpectedly (${this.#describeExit()}). ` +
        `Its output:\n${tail(this.#output)}`,
    );
  }

  /** Ends the server (SIGTERM, then SIGKILL after 5 s) and removes its temporary directory. */
  async stop(): Promise<void> {
    await this.#terminate();
    if (process.env.LOOM_E2E_KEEP === '1') {
      process.stderr.write(`[loom e2e] kept the server's files in ${this.#dir}\n`);
    } else {
      await rm(this.#dir, { recursive: true, force: true });
    }
  }

  async #terminate(): Promise<void> {
    process.removeListener('exit', this.#killOnExit);
    if (this.#exit === undefined) {
      this.#stopping = true;
      this.#child.kill('SIGTERM');
      const graceful = await Promise.race([this.#exited.then(() => true), delay(STOP_GRACE_MS).then(() => false)]);
      if (!graceful) {
        this.#output += `\n[harness] no exit ${STOP_GRACE_MS / 1000} s after SIGTERM: sent SIGKILL\n`;
        this.#child.kill('SIGKILL');
        await this.#exited;
      }
    }
  }

  readonly #killOnExit = () => {
    if (this.#exit === undefined) this.#child.kill('SIGKILL');
  };

  async #ready(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.#exit !== undefined) {
        throw new Error(
          `loom start exited before it was ready (${this.#describeExit()}). Its output:\n${tail(this.#output)}`,
        );
      }
      try {
        const response = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await Promise.race([delay(100), this.#exited]);
    }
    throw new Error(
      `loom start did not answer GET ${this.url}/healthz within ${READY_TIMEOUT_MS / 1000} s. Its output:\n${tail(this.#output)}`,
    );
  }

  #describeExit(): string {
    return this.#exit?.signal ? `signal ${this.#exit.signal}` : `code ${this.#exit?.code ?? '?'}`;
  }
}

/** A loopback port that nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tail(text: string, max = 8_000): string {
  const trimmed = text.trimEnd();
  if (trimmed === '') return '(no output)';
  return trimmed.length > max ? `…${trimmed.slice(-max)}` : trimmed;
}
