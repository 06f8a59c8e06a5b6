// The fixtures every end-to-end test imports instead of '@playwright/test':
//
//   import { expect, test } from '../fixtures.ts';
//   test('…', async ({ page, loom }) => { await page.goto('/'); … await loom.api('/api/nodes'); });
//
// `loom` is a real `loom start` process with a temporary home, shared by the tests of one file and
// stopped when the worker moves on to the next file (or ends). `page` and `request` have their
// baseURL set to it. A server that crashes fails the test it crashed in, with its output.
import { test as base } from '@playwright/test';
import { LoomServer, type ServerSetup } from './loom-server.ts';

/** Servers whose crash a test has already reported, so that it is not reported twice. */
const reported = new WeakSet<LoomServer>();

export { expect } from '@playwright/test';
export type { ApiInit } from './loom-server.ts';
export { DATA_ROOTS } from './loom-server.ts';
export { EXAMPLES, REPO_ROOT } from './paths.ts';
export type { LoomServer };

/** The servers of one worker: one per test file, started on first use, stopped on switching files. */
export class LoomServers {
  readonly #env: Record<string, string>;
  readonly #args: readonly string[];
  readonly #setup: ServerSetup;
  #current: { file: string; server: LoomServer } | undefined;

  constructor(env: Record<string, string>, args: readonly string[] = [], setup: ServerSetup = 'harness') {
    this.#env = env;
    this.#args = args;
    this.#setup = setup;
  }

  /**
   * The server of the test file `file` (pass `testInfo.file`), started if needed. Use it in
   * `test.beforeAll`/`afterAll`, where the test-scoped `loom` fixture is not available.
   */
  async forFile(file: string): Promise<LoomServer> {
    const current = this.#current;
    if (current !== undefined && current.file === file && !current.server.crashed) return current.server;
    await this.close();
    const server = await LoomServer.start(this.#env, this.#args, this.#setup);
    this.#current = { file, server };
    return server;
  }

  async close(): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    if (current === undefined) return;
    // A crash after the file's last test ended has not been reported to any test: say so here.
    if (current.server.crashed && !reported.has(current.server))
      process.stderr.write(`[loom e2e] ${current.server.crashError().message}\n`);
    await current.server.stop();
  }
}

export interface LoomTestFixtures {
  /** The Loom server of this test file: `url`, `home`, `api(path, init)`, `fetch(path, init)`, `output`. */
  loom: LoomServer;
}

export interface LoomWorkerFixtures {
  /**
   * Environment added to the server's (e.g. `{ LOOM_API_TOKEN: 'secret' }`); set it with
   * `test.use({ loomEnv: … })` at the top of a file, which then runs in a worker of its own.
   */
  loomEnv: Record<string, string>;
  /** Arguments added to `loom start` (e.g. `['--dev']`), set like `loomEnv`. */
  loomArgs: string[];
  /** `'plain'`: the server as a user's `pnpm loom start` in the repository (see `ServerSetup`), set like `loomEnv`. */
  loomSetup: ServerSetup;
  /** This worker's servers, for `beforeAll`/`afterAll`: `await loomServers.forFile(testInfo.file)`. */
  loomServers: LoomServers;
}

export const test = base.extend<LoomTestFixtures, LoomWorkerFixtures>({
  loomEnv: [{}, { option: true, scope: 'worker' }],
  loomArgs: [[], { option: true, scope: 'worker' }],
  loomSetup: ['harness', { option: true, scope: 'worker' }],

  loomServers: [
    async ({ loomEnv, loomArgs, loomSetup }, use) => {
      const servers = new LoomServers(loomEnv, loomArgs, loomSetup);
      try {
        await use(servers);
      } finally {
        await servers.close();
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  loom: async ({ loomServers }, use, testInfo) => {
    const server = await loomServers.forFile(testInfo.file);
    await use(server);
    const failed = testInfo.status !== testInfo.expectedStatus;
    if (failed || server.crashed) {
      await testInfo.attach('loom-server-output.txt', { body: server.output, contentType: 'text/plain' });
    }
    if (server.crashed) {
      reported.add(server);
      // Unless the test already failed with it (from `loom.api`), the crash is this test's failure.
      const error = server.crashError();
      if (!testInfo.errors.some((e) => e.message?.includes(error.message))) throw error;
    }
  },

  baseURL: async ({ loom }, use) => {
    await use(loom.url);
  },
});
