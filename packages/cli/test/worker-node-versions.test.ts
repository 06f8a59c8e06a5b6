/**
 * A worker runs a step only on the exact plugin code the server planned it with: a missing version, or
 * the same version built from other code, fails the step naming the plugin to install; a worker with the
 * same plugin runs it.
 */
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRedisServer } from '@loom/runtime/testing';
import { describe, expect, it } from 'vitest';
import { afterEachTest, runDocument, servingAddress, singleNodeDocument, startLoom } from './loom-server.ts';

const test = afterEachTest();

/** Writes a plugin package `loom-greet` at `version` into `dir`, providing `devtest.greet` at each of `nodeVersions`. */
async function writeGreetPlugin(dir: string, version: string, nodeVersions: string[], greeting: string) {
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'loom-greet',
      version,
      type: 'module',
      loom: { apiVersion: 1, entry: './src/index.ts', nodes: nodeVersions.map((v) => `devtest.greet@${v}`) },
      peerDependencies: { '@loom/sdk': '^0.1.0' },
    }),
  );
  const definitions = nodeVersions.map(
    (v, i) => `export const greet${i} = defineNode({
  type: 'devtest.greet', version: '${v}', title: 'Greet', description: 'Greets.', category: 'testing',
  outputs: { text: output('text') },
  async run() { return { text: '${greeting} ${v}' }; },
});`,
  );
  await writeFile(
    join(dir, 'src', 'index.ts'),
    `import { defineNode, output } from '@loom/sdk';\n${definitions.join('\n')}\nexport const nodes = [${nodeVersions.map((_, i) => `greet${i}`).join(', ')}];\n`,
  );
}

describe('a worker and the plugin versions a step needs', () => {
  it('fails a step whose node version or code the worker lacks, naming the plugin, and runs it where it matches', async () => {
    const root = await test.tempDir('loom-versions-');
    const serverPlugins = join(root, 'server-plugins');
    const oldWorkerPlugins = join(root, 'old-worker-plugins');
    const sameWorkerPlugins = join(root, 'same-worker-plugins');
    await writeGreetPlugin(join(serverPlugins, 'greet'), '2.0.0', ['1.0.0', '2.0.0'], 'hello');
    // An older build of the plugin: version 1.0.0 of the node only, and other code for it.
    await writeGreetPlugin(join(oldWorkerPlugins, 'greet'), '1.0.0', ['1.0.0'], 'hi');
    await cp(serverPlugins, sameWorkerPlugins, { recursive: true });

    const redis = await startRedisServer();
    test.later(() => redis.stop());
    const env = { REDIS_URL: redis.url, LOOM_HOME: join(root, 'home'), LOOM_QUEUE_PREFIX: 'versions' };
    const server = startLoom(['start', '--port', '0'], { ...env, LOOM_PLUGINS_DIR: serverPlugins }, /serving on/);
    const oldWorker = startLoom(
      ['worker', '--concurrency', '2'],
      { ...env, LOOM_PLUGINS_DIR: oldWorkerPlugins },
      /taking cpu steps/,
    );
    test.track(server);
    test.track(oldWorker);
    await oldWorker.line;
    const base = await servingAddress(server);

    const missing = await runDocument(base, singleNodeDocument('v2', 'devtest.greet', '2.0.0'));
    expect(missing.status).toBe('failed');
    expect(missing.steps[0]?.failure?.message).toMatch(
      /^host .+ does not have node type devtest\.greet@2\.0\.0, which comes from plugin loom-greet@2\.0\.0; it has only devtest\.greet 1\.0\.0 \(from loom-greet@1\.0\.0\)\. Install loom-greet@2\.0\.0 where this step runs\.$/,
    );
    const otherCode = await runDocument(base, singleNodeDocument('v1', 'devtest.greet', '1.0.0'));
    expect(otherCode.status).toBe('failed');
    expect(otherCode.steps[0]?.failure?.message).toMatch(
      /has node type devtest\.greet@1\.0\.0 from loom-greet@1\.0\.0, but not the code the pipeline was planned with .* Install the same build of loom-greet@2\.0\.0 on the server and on every worker\./,
    );

    oldWorker.child.kill('SIGTERM');
    expect(await oldWorker.exited).toBe(0);
    const sameWorker = startLoom(
      ['worker', '--concurrency', '2'],
      { ...env, LOOM_PLUGINS_DIR: sameWorkerPlugins },
      /taking cpu steps/,
    );
    test.track(sameWorker);
    await sameWorker.line;
    const matched = await runDocument(base, singleNodeDocument('v2-again', 'devtest.greet', '2.0.0'));
    expect(matched.status).toBe('succeeded');
    const text = await (await fetch(`${base}/api/artifacts/${matched.steps[0]?.outputs.text?.sha256}`)).text();
    expect(text).toBe('hello 2.0.0');
  }, 120_000);
});
