/**
 * `loom remote runs` and `loom remote deploy-status`: the real `loom` binary against a real server in
 * this process, on which the iris example was run (and so deployed) through the API.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessServer, oneNodeDocument, startInProcessServer } from '../../../test/in-process-server.ts';
import { EXAMPLES, loom } from '../../../test/loom-process.ts';
import { json, post, runDocument } from '../../../test/loom-server.ts';

const CLEAN_ENV = { LOOM_TOKEN: '', LOOM_SERVER: '', LOOM_MODEL_SERVER_URL: '' };

let server: InProcessServer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-remote-status-'));
  server = await startInProcessServer();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
}, 30_000);

const remote = (args: string[], env: Record<string, string> = {}) =>
  loom(['remote', ...args, '--server', server.base], dir, { ...CLEAN_ENV, ...env });

describe('loom remote runs and deploy-status', { timeout: 90_000 }, () => {
  let iris: Record<string, unknown>;
  const runs: Record<string, string> = {};

  beforeAll(async () => {
    iris = JSON.parse(await readFile(join(EXAMPLES, 'iris-classification', 'pipeline.loom.json'), 'utf8'));
  });

  it('says nothing is deployed yet, and exits 1 for a model that is not there', async () => {
    const all = await remote(['deploy-status']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain(`no models are registered on ${server.base}`);
    const one = await remote(['deploy-status', 'iris']);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain(`error: no model "iris" on ${server.base}: no model is registered there`);
  });

  it('lists the recent runs with status, pipeline, version and duration', async () => {
    const deployed = await runDocument(server.base, iris);
    expect(deployed.status).toBe('succeeded');
    runs.iris = deployed.id;
    const failed = await runDocument(server.base, {
      ...oneNodeDocument('echo', 'test.echo'),
      nodes: [{ id: 'only', type: 'test.echo', version: '1.0.0', params: { fail: true } }],
    });
    expect(failed.status).toBe('failed');
    runs.echo = failed.id;

    const listed = await remote(['runs']);
    expect(listed.code, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^run +status +pipeline +version +started +duration/);
    // Newest first.
    expect(lines[1]).toMatch(
      new RegExp(`^✖ ${runs.echo} +failed +echo +v1 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ +\\d+ ms`),
    );
    expect(lines[2]).toMatch(new RegExp(`^✔ ${runs.iris} +succeeded +iris-classification +v1 +.*\\d+(\\.\\d)? m?s`));

    const one = await remote(['runs', '--pipeline', 'iris-classification', '--limit', '1', '--json']);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout).runs).toEqual([
      expect.objectContaining({ id: runs.iris, pipelineName: 'iris-classification', status: 'succeeded' }),
    ]);

    const unknown = await remote(['runs', '--pipeline', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no pipeline "nope" on ${server.base}; its pipelines: echo, iris-classification`);
    const badLimit = await remote(['runs', '--limit', '0']);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toMatch(/--limit 0: expected a whole number from 1 to 500/);
  });

  it("shows each model's aliases, endpoint and infer URL, and one model's serving versions", async () => {
    const all = await remote(['deploy-status']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(
      new RegExp(`iris +v1 +production → v1 +production: v1 100% +${server.base}/v2/models/iris/infer`),
    );

    const one = await remote(['deploy-status', 'iris']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^iris\naliases +production → v1\nendpoint +production: v1 100%\n/);
    expect(one.stdout).toContain(`infer     POST ${server.base}/v2/models/iris/infer`);
    expect(one.stdout).toMatch(new RegExp(`v1 +\\S+ \\S+ +production +100% +accuracy 0\\.9667.* +run ${runs.iris}`));
  });

  it('shows a canary split and the versions it sends requests to; the infer URL answers', async () => {
    // Another regularization makes another model: deployed as v2, and production moves to it.
    const retrained = await runDocument(server.base, {
      ...iris,
      parameters: { ...(iris.parameters as object), regularization: { type: 'number', default: 0.5 } },
    });
    expect(retrained.status).toBe('succeeded');
    const split = await fetch(`${server.base}/api/endpoints/iris`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        alias: 'production',
        traffic: [
          { version: 2, percent: 90 },
          { version: 1, percent: 10 },
        ],
      }),
    });
    expect(split.status, await split.text()).toBe(200);

    const one = await remote(['deploy-status', 'iris', '--json']);
    expect(one.code, one.stderr).toBe(0);
    const status = JSON.parse(one.stdout);
    expect(status).toMatchObject({
      server: server.base,
      model: { name: 'iris', latestVersion: 2, aliases: [{ alias: 'production', version: 2 }] },
      endpoint: { alias: 'production', routes: expect.arrayContaining([{ version: 1, percent: 10 }]) },
      inferUrl: `${server.base}/v2/models/iris/infer`,
    });
    expect(status.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    const text = await remote(['deploy-status', 'iris']);
    expect(text.stdout).toMatch(/endpoint +production: v2 90%, v1 10% \(canary split\)/);
    expect(text.stdout).toMatch(/\nv2 .* production +90% /);
    expect(text.stdout).toMatch(/\nv1 .* +10% /);

    const answer = await post(server.base, '/v2/models/iris/infer', {
      rows: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }],
    });
    expect(answer.status).toBe(200);
    expect((await json<{ model_name: string }>(answer)).model_name).toBe('iris');
  });
});
