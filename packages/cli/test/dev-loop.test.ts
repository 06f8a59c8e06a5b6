/**
 * `loom start --dev` as a plugin author uses it: edit a plugin while the server runs, and the catalog
 * and the next run follow without a restart; break it, and the last good version keeps serving.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  afterEachTest,
  json,
  type RunView,
  runDocument,
  servingAddress,
  singleNodeDocument,
  startLoom,
} from './loom-server.ts';

const test = afterEachTest();

const MANIFEST = {
  name: 'loom-dev-greet',
  version: '0.1.0',
  type: 'module',
  loom: { apiVersion: 1, entry: './src/index.ts', nodes: ['devtest.greet@1.0.0'] },
  peerDependencies: { '@loom/sdk': '^0.1.0' },
};

const entry = (title: string) => `import { defineNode, output } from '@loom/sdk';
import { message } from './message.ts';

export const greet = defineNode({
  type: 'devtest.greet',
  version: '1.0.0',
  title: '${title}',
  description: 'Says hello.',
  category: 'testing',
  outputs: { text: output('text') },
  async run() {
    return { text: message() };
  },
});

export const nodes = [greet];
`;

const helper = (text: string) => `export function message(): string {\n  return '${text}';\n}\n`;

/** The text the run's only step wrote. */
async function outputText(base: string, run: RunView): Promise<string> {
  const output = run.steps[0]?.outputs.text;
  if (output === undefined) throw new Error(`no output: ${JSON.stringify(run.steps)}`);
  return (await fetch(`${base}/api/artifacts/${output.sha256}`)).text();
}

async function catalogTitle(base: string): Promise<string | undefined> {
  const catalog = await json<{ nodes: Array<{ type: string; title: string }> }>(await fetch(`${base}/api/nodes`));
  return catalog.nodes.find((node) => node.type === 'devtest.greet')?.title;
}

describe('loom start --dev', () => {
  it('reloads a changed plugin into the catalog and the next run, and keeps the last good one when it breaks', async () => {
    // Inside a hidden folder (as under ~/.config): only what lies below the watched folders may be ignored.
    const project = join(await test.tempDir('loom-dev-'), '.hidden', 'project');
    const plugin = join(project, 'plugins', 'greet');
    await mkdir(join(plugin, 'src'), { recursive: true });
    await writeFile(join(plugin, 'package.json'), JSON.stringify(MANIFEST, null, 2));
    await writeFile(join(plugin, 'src', 'index.ts'), entry('Greet'));
    await writeFile(join(plugin, 'src', 'message.ts'), helper('hello from v1'));

    const server = startLoom(
      ['start', '--dev', '--port', '0'],
      { LOOM_HOME: join(project, '.loom'), LOOM_DATA_ROOTS: project },
      /serving on/,
      project,
    );
    test.track(server);
    const base = await servingAddress(server);
    await server.nextLine(/dev mode: watching/);
    expect(await catalogTitle(base)).toBe('Greet');
    const document = singleNodeDocument('greet', 'devtest.greet');
    const first = await runDocument(base, document);
    expect(first.status).toBe('succeeded');
    expect(await outputText(base, first)).toBe('hello from v1');

    // A helper module and the definition change: both are picked up, the step runs again (its code hash changed).
    const reloaded = server.nextLine(/plugins reloaded/);
    await writeFile(join(plugin, 'src', 'message.ts'), helper('hello from v2'));
    await writeFile(join(plugin, 'src', 'index.ts'), entry('Greet (edited)'));
    await reloaded;
    expect(await catalogTitle(base)).toBe('Greet (edited)');
    const second = await runDocument(base, document);
    expect(second.steps[0]?.status).toBe('succeeded');
    expect(await outputText(base, second)).toBe('hello from v2');

    // A syntax error: reported, and the server keeps the last good plugin.
    const refused = server.nextLine(/plugins not reloaded/);
    await writeFile(join(plugin, 'src', 'index.ts'), `${entry('Broken')}\nexport const = ;\n`);
    await refused;
    expect(server.stderr()).toMatch(/plugin loom-dev-greet \(.*index\.ts\): could not import src\/index\.ts/);
    expect(await catalogTitle(base)).toBe('Greet (edited)');
    expect(await json<{ status: string }>(await fetch(`${base}/healthz`))).toMatchObject({ status: 'ok' });

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 120_000);
});
