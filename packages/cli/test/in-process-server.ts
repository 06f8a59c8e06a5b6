// A real Loom server (buildApp, SQLite, artifacts, the embedded model server) listening on a free
// loopback port inside the test process, for tests of the commands that talk to a server over HTTP.
// Steps run in this process too, so a test's nodes can wait on what the test does.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineNode, NodeError, output, Type } from '@loom/sdk';
import { type StartedServer, startServer } from '@loom/server';
import { loadBuiltinRegistry } from '../src/node-registry.ts';
import { EXAMPLES } from './loom-process.ts';

let gate: { opened: Promise<void>; open(): void } | undefined;

/** Makes the next `test.gate` steps wait until the returned function is called. */
export function closeGate(): () => void {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  gate = { opened, open };
  return open;
}

/** Logs its message `times` times, then fails with `boom` when `fail` is set. */
export const echoNode = defineNode({
  type: 'test.echo',
  version: '1.0.0',
  title: 'Echo',
  description: 'Logs a message, and fails when told to.',
  category: 'utility',
  params: Type.Object({
    message: Type.String({ default: 'hello' }),
    times: Type.Integer({ minimum: 1, default: 1 }),
    fail: Type.Boolean({ default: false }),
  }),
  outputs: { value: output('json') },
  async run(ctx) {
    for (let i = 1; i <= ctx.params.times; i++) ctx.log.info(`${ctx.params.message} ${i}/${ctx.params.times}`);
    if (ctx.params.fail) throw new NodeError('boom: told to fail', { retryable: false });
    return { value: ctx.params.message };
  },
});

/** Waits for the gate that {@link closeGate} closed (or goes straight through when none is closed). */
export const gateNode = defineNode({
  type: 'test.gate',
  version: '1.0.0',
  title: 'Gate',
  description: 'Waits until the test opens the gate.',
  category: 'utility',
  params: Type.Object({}),
  outputs: { value: output('json') },
  async run(ctx) {
    ctx.log.info('waiting at the gate');
    await gate?.opened;
    return { value: 'through' };
  },
});

export interface InProcessServer {
  app: StartedServer['app'];
  /** `http://127.0.0.1:<port>` */
  base: string;
  close(): Promise<void>;
}

export interface InProcessServerOptions {
  apiToken?: string;
  /** The folder pipelines read data from; default the iris example's. */
  dataRoot?: string;
  /** How often the endpoint monitors look for ended windows, and how long after a window ends. */
  monitors?: { tickMs: number; graceMs: number };
}

/**
 * Starts a server on the built-in nodes plus {@link echoNode} and {@link gateNode}, reading data from
 * the iris example's folder (so `examples/iris-classification/pipeline.loom.json` runs as it is).
 */
export async function startInProcessServer(options: InProcessServerOptions = {}): Promise<InProcessServer> {
  const home = await mkdtemp(join(tmpdir(), 'loom-remote-'));
  const registry = await loadBuiltinRegistry();
  for (const definition of [echoNode, gateNode]) registry.add({ definition, source: 'remote-tests' });
  const { app, address: base } = await startServer(
    {
      registry,
      home,
      dataRoots: [options.dataRoot ?? join(EXAMPLES, 'iris-classification')],
      host: '127.0.0.1',
      inlineConcurrency: 2,
      ...(options.apiToken === undefined ? {} : { apiToken: options.apiToken }),
      ...(options.monitors === undefined ? {} : { monitors: options.monitors }),
    },
    { port: 0 },
  );
  return {
    app,
    base,
    close: async () => {
      await app.close();
      await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}

/** A loopback address that nothing listens on: a port the system handed out and took back. */
export async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

/** A one-node pipeline document of `type`, with pipeline parameters feeding the node's parameters of the same names. */
export function oneNodeDocument(
  name: string,
  type: string,
  parameters: Record<string, { type: string; default?: unknown }> = {},
) {
  return {
    format: 'loom.pipeline',
    formatVersion: 2,
    name,
    description: '',
    parameters,
    nodes: [
      {
        id: 'only',
        type,
        version: '1.0.0',
        params: Object.fromEntries(Object.keys(parameters).map((key) => [key, { $param: key }])),
      },
    ],
    edges: [],
  };
}
