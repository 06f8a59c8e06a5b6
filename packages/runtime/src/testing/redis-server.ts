import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerOptions {
  /** Persist writes to an append-only file, so that `restart` keeps the data. @default false */
  appendOnly?: boolean;
  /** Where Redis keeps its files. @default a fresh temporary directory, removed by `stop` */
  dir?: string;
}

/** A private Redis for tests. */
export interface TestRedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Shuts it down (SIGTERM) and removes its temporary directory. */
  stop(): Promise<void>;
  /** Shuts it down and starts it again on the same port and directory. */
  restart(): Promise<void>;
  /** SIGKILLs it, as a crash would; `restart` brings it back. */
  kill(): Promise<void>;
  /** Shuts it down (SIGTERM, so an append-only file is complete) keeping its files; `restart` brings it back. */
  shutdown(): Promise<void>;
}

const REDIS_SERVER = 'redis-server';
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Starts `redis-server` on a free port as a child of this process (not daemonised, and killed when
 * this process exits, so a crashed test run leaves none behind) and waits until it answers PING.
 *
 * @example
 * const redis = await startRedisServer();
 * afterAll(() => redis.stop());
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<TestRedisServer> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'loom-redis-')));
  const port = await freePort();
  let child = await launch(port, dir, options.appendOnly ?? false);

  const halt = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
    child.kill(signal);
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await halt('SIGTERM');
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await halt('SIGTERM');
      child = await launch(port, dir, options.appendOnly ?? false);
    },
    kill: () => halt('SIGKILL'),
    shutdown: () => halt('SIGTERM'),
  };
}

async function launch(port: number, dir: string, appendOnly: boolean): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', appendOnly ? 'yes' : 'no'];
  const child = spawn(REDIS_SERVER, [...args, '--dir', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  installExitHook();
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (cause: NodeJS.ErrnoException) => {
      reject(
        cause.code === 'ENOENT'
          ? new Error('redis-server is not installed: install it with `apt-get install -y redis-server`')
          : cause,
      );
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`redis-server exited at start (${signal ?? `code ${code}`}): ${stderr.trim()}`)),
    );
  });
  failed.catch(() => undefined);
  const deadline = Date.now() + 10_000;
  while (!(await Promise.race([ping(port), failed]))) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
    }
    await new Promise((resolveLater) => setTimeout(resolveLater, 20));
  }
  return child;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

/** A TCP port free on 127.0.0.1 now (for a server a test is about to start). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}
