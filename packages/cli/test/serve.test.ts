/**
 * `loom serve` as a user runs it: a real process serving the registry of a home over HTTP, picking up
 * endpoint changes that another process (this test, through the store) makes, and serving them again
 * after a restart.
 */
import { join } from 'node:path';
import { LocalArtifactStore } from '@loom/runtime';
import { registerOnnxArtifact } from '@loom/server/models';
import { LoomStore } from '@loom/server/store';
import { diabetesExample, irisExample, type TrainedExample } from '@loom/serving/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { loom } from './loom-process.ts';
import { afterEachTest, json, post, startLoom } from './loom-server.ts';

const test = afterEachTest();
let iris: TrainedExample;
let diabetes: TrainedExample;

beforeAll(async () => {
  [iris, diabetes] = await Promise.all([irisExample(), diabetesExample()]);
});

/** Registers the ONNX as a version of `model` in the home's registry and serves it at its endpoint. */
async function deploy(home: string, model: string, example: TrainedExample): Promise<void> {
  const store = LoomStore.open(join(home, 'loom.db'));
  try {
    const artifacts = new LocalArtifactStore(home);
    const { sha256 } = await artifacts.put(example.onnx);
    const { version } = await registerOnnxArtifact(store, artifacts, { model, onnx: sha256 });
    store.setAlias(model, 'production', version.version);
    store.setEndpoint(model, { alias: 'production' });
  } finally {
    store.close();
  }
}

/** The first row of an example's data, in the row form. */
function firstRow(example: TrainedExample): Record<string, number> {
  return Object.fromEntries(Object.entries(example.columns).map(([name, values]) => [name, values[0] as number]));
}

/** Starts `loom serve` on a free port; resolves with its address once its first sync is done. */
async function serve(home: string, env: Record<string, string> = {}, args: string[] = []) {
  const server = test.track(
    startLoom(['serve', '--port', '0', '--home', home, '--threads', '1', ...args], env, /^ready: /),
  );
  const ready = await server.line;
  const address = /serving on (http:\/\/[^ ]+)/.exec(server.stderr())?.[1];
  if (address === undefined) throw new Error(`no address in: ${server.stderr()}`);
  return { server, address, ready };
}

/** Polls `check` every 50 ms until it gives a value; fails naming `what` after 20 s. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('loom serve', () => {
  it('serves the endpoints of a home over HTTP and follows changes made by another process', async () => {
    const home = await test.tempDir('loom-serve-');
    await deploy(home, 'iris', iris);
    const { server, address, ready } = await serve(home);
    expect(ready).toBe('ready: iris (v1)');

    expect(await json(await fetch(`${address}/v2/health/ready`))).toEqual({ ready: true });
    expect(await json(await fetch(`${address}/healthz`))).toEqual({ status: 'ok' });
    const metadata = await json<{ versions: string[]; inputs: unknown[] }>(await fetch(`${address}/v2/models/iris`));
    expect(metadata.versions).toEqual(['1']);
    const reply = await post(address, '/v2/models/iris/infer', { id: 'r-1', rows: [firstRow(iris)] });
    expect(reply.headers.get('x-loom-model-version')).toBe('1');
    expect(await json(reply)).toMatchObject({
      model_name: 'iris',
      model_version: '1',
      id: 'r-1',
      predictions: [{ label: 'setosa' }],
    });

    // Another process changes the registry: the server sees it at its next poll.
    await deploy(home, 'diabetes', diabetes);
    const answered = await waitFor('the diabetes endpoint', async () => {
      const response = await post(address, '/v2/models/diabetes/infer', { rows: [firstRow(diabetes)] });
      return response.status === 200 ? json<{ predictions: Array<{ value: number }> }>(response) : undefined;
    });
    expect(Number.isFinite(answered.predictions[0]?.value)).toBe(true);

    const store = LoomStore.open(join(home, 'loom.db'));
    store.removeEndpoint('iris');
    store.close();
    const gone = await waitFor('the iris endpoint to go', async () => {
      const response = await post(address, '/v2/models/iris/infer', { rows: [firstRow(iris)] });
      return response.status === 404 ? ((await response.json()) as { message: string }) : undefined;
    });
    expect(gone.message).toBe('model "iris" has no endpoint: set one with PUT /api/endpoints/iris');

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain('stopping (SIGTERM)');
  }, 60_000);

  it('serves the same endpoints again after a restart, from the store', async () => {
    const home = await test.tempDir('loom-serve-restart-');
    await deploy(home, 'diabetes', diabetes);
    const first = await serve(home);
    const before = await json<{ predictions: unknown[] }>(
      await post(first.address, '/v2/models/diabetes/infer', { rows: [firstRow(diabetes)] }),
    );
    first.server.child.kill('SIGTERM');
    expect(await first.server.exited).toBe(0);

    const second = await serve(home);
    expect(second.ready).toBe('ready: diabetes (v1)');
    const after = await json<{ predictions: unknown[] }>(
      await post(second.address, '/v2/models/diabetes/infer', { rows: [firstRow(diabetes)] }),
    );
    expect(after.predictions).toEqual(before.predictions);
  }, 60_000);

  it('needs LOOM_API_TOKEN off loopback, and then asks every model request for it', async () => {
    const home = await test.tempDir('loom-serve-token-');
    const refused = await loom(['serve', '--host', '0.0.0.0', '--port', '0', '--home', home], home);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to serve on 0.0.0.0 without an API token');

    await deploy(home, 'iris', iris);
    const { address } = await serve(home, { LOOM_API_TOKEN: 's3cret' }, ['--host', '0.0.0.0']);
    const local = address.replace('0.0.0.0', '127.0.0.1');
    expect((await post(local, '/v2/models/iris/infer', { rows: [firstRow(iris)] })).status).toBe(401);
    const authorised = await fetch(`${local}/v2/models/iris/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret' },
      body: JSON.stringify({ rows: [firstRow(iris)] }),
    });
    expect(authorised.status).toBe(200);
    expect((await fetch(`${local}/v2/health/live`)).status).toBe(200);
  }, 60_000);

  it('refuses a bad --threads or --port with a message naming it', async () => {
    const home = await test.tempDir('loom-serve-args-');
    const threads = await loom(['serve', '--threads', '0', '--home', home], home);
    expect([threads.code, threads.stderr]).toEqual([
      2,
      expect.stringContaining('--threads must be a whole number from 1, not "0"'),
    ]);
    const port = await loom(['serve', '--port', 'x', '--home', home], home);
    expect([port.code, port.stderr]).toEqual([2, expect.stringContaining('--port must be a whole number')]);
  });
});
