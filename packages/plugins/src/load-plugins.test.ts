import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PluginSources } from './discover-plugins.ts';
import type { PluginProblem } from './plugin-error.ts';
import { PluginFolders, pluginEntry, pluginManifest } from './test-fixtures/plugin-folders.ts';

const LOADER = fileURLToPath(new URL('./test-fixtures/load-in-node.ts', import.meta.url));
const TSX = createRequire(import.meta.url).resolve('tsx');

interface LoadedNode {
  type: string;
  version: string;
  title: string;
  source: string;
  plugin?: { name: string; version: string; origin: string; path: string };
  implementationHash: string;
}
type LoadResult = { ok: true; nodes: LoadedNode[] } | { ok: false; message: string; problems: PluginProblem[] };

/** Loads plugins in a real Node process, once per generation given. */
async function load(
  sources: PluginSources,
  generations: number[] = [],
  importTimeoutMs = 15_000,
): Promise<LoadResult[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--import',
    TSX,
    LOADER,
    JSON.stringify(sources),
    generations.join(','),
    String(importTimeoutMs),
  ]);
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LoadResult);
}

let folders: PluginFolders;
beforeEach(async () => {
  folders = await PluginFolders.create();
});
afterEach(() => folders.remove());

/** Loads the plugins folder `plugins` of the temporary root. */
async function loadFolder(): Promise<LoadResult> {
  return (await load({ builtins: [], pluginsDir: join(folders.root, 'plugins') }))[0] as LoadResult;
}

function nodesOf(result: LoadResult): LoadedNode[] {
  if (!result.ok) throw new Error(result.message);
  return result.nodes;
}

function failureOf(result: LoadResult): { message: string; problems: PluginProblem[] } {
  if (result.ok) throw new Error('expected the plugins to be refused');
  return result;
}

describe('loadPluginRegistry', () => {
  it("registers each plugin's nodes with their source, plugin and a hash of the package's code", async () => {
    const refs = ['acme.greet@1.0.0', 'acme.greet@2.0.0'];
    const dir = await folders.write('plugins/greet', {
      'package.json': pluginManifest('@acme/greet', refs),
      'src/index.ts': pluginEntry(refs),
    });
    const nodes = nodesOf(await loadFolder());
    expect(nodes.map((n) => `${n.type}@${n.version}`)).toEqual(refs);
    expect(nodes[0]).toMatchObject({
      source: '@acme/greet@1.0.0',
      plugin: { name: '@acme/greet', version: '1.0.0', origin: 'directory', path: dir },
    });
    const hash = nodes[0]?.implementationHash;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    // Test files are not the code that runs: adding one keeps the hash; changing the code does not.
    await writeFile(join(dir, 'src/index.test.ts'), 'export {};');
    expect(nodesOf(await loadFolder())[0]?.implementationHash).toBe(hash);
    await writeFile(join(dir, 'src/helper.ts'), 'export const x = 1;');
    expect(nodesOf(await loadFolder())[0]?.implementationHash).not.toBe(hash);
  });

  it('refuses two plugins that define the same type and version, naming both, before importing either', async () => {
    const ref = ['acme.greet@1.0.0'];
    // The entries would throw if imported: the clash is found from the manifests alone.
    const a = await folders.write('plugins/a', {
      'package.json': pluginManifest('greet-a', ref),
      'src/index.ts': 'throw new Error("imported");',
    });
    const b = await folders.write('plugins/b', {
      'package.json': pluginManifest('greet-b', ref),
      'src/index.ts': 'throw new Error("imported");',
    });
    expect(failureOf(await loadFolder()).message).toBe(
      `plugin greet-b (${b}): node type acme.greet@1.0.0 is defined twice: by greet-a@1.0.0 (${a}) and by greet-b@1.0.0 (${b}); remove one of the two plugins, or give one of them another version`,
    );
  });

  it('names an entry that fails to import, does not export nodes, or exports other nodes than it lists', async () => {
    await folders.write('plugins/throws', {
      'package.json': pluginManifest('throws', ['acme.a@1.0.0']),
      'src/index.ts': 'throw new Error("top-level failure");',
    });
    await folders.write('plugins/no-nodes', {
      'package.json': pluginManifest('no-nodes', ['acme.b@1.0.0']),
      'src/index.ts': 'export const other = 1;',
    });
    await folders.write('plugins/mismatch', {
      'package.json': pluginManifest('mismatch', ['acme.c@1.0.0', 'acme.d@1.0.0']),
      'src/index.ts': pluginEntry(['acme.c@1.0.0', 'acme.e@1.0.0']),
    });
    const problems = failureOf(await loadFolder()).problems.map((p) => `${p.plugin}: ${p.message}`);
    expect(problems).toEqual([
      'mismatch: "loom.nodes" lists acme.d@1.0.0, which src/index.ts does not export',
      'mismatch: src/index.ts exports acme.e@1.0.0, which "loom.nodes" does not list: add it there',
      'no-nodes: src/index.ts must export `nodes`: an array of the defineNode(…) results the plugin provides',
      'throws: could not import src/index.ts: top-level failure',
    ]);
  });

  it('gives up on an entry whose import never finishes', async () => {
    await folders.write('plugins/stuck', {
      'package.json': pluginManifest('stuck', ['acme.stuck@1.0.0']),
      'src/index.ts': 'await new Promise(() => {});\nexport const nodes = [];\n',
    });
    const [result] = await load({ builtins: [], pluginsDir: join(folders.root, 'plugins') }, [], 300);
    expect(failureOf(result as LoadResult).message).toMatch(
      /plugin stuck .*: could not import src\/index\.ts: importing it took longer than 0.3 s/,
    );
  });

  it("gives a plugin outside any workspace this Loom's SDK for its peer dependency", async () => {
    // Nothing above the temporary folder provides @loom/sdk: only the module hooks resolve it.
    const refs = ['acme.outside@1.0.0'];
    await folders.write('plugins/outside', {
      'package.json': pluginManifest('outside', refs),
      'src/index.ts': pluginEntry(refs),
    });
    expect(nodesOf(await loadFolder())[0]?.title).toBe('Node 0');
  });

  it('reloads a plugin as a fresh module graph for each generation, helper modules included', async () => {
    const refs = ['acme.gen@1.0.0'];
    const dir = await folders.write('plugins/gen', {
      'package.json': pluginManifest('gen', refs),
      'src/index.ts': `import { title } from './title.ts';\n${pluginEntry(refs).replace("title: 'Node 0'", 'title')}`,
      'src/title.ts': "export const title = 'first';\n",
    });
    const sources = { builtins: [], pluginsDir: join(folders.root, 'plugins') };
    const [first] = await load(sources, [1]);
    await writeFile(join(dir, 'src/title.ts'), "export const title = 'second';\n");
    // Generation 1 again in the same process as generation 2: had the helper come from the module
    // cache, generation 2 would say 'first' too (as generation 1 must, having been read once).
    const [, second] = await load(sources, [1, 2]);
    expect(nodesOf(first as LoadResult)[0]?.title).toBe('first');
    expect(nodesOf(second as LoadResult)[0]?.title).toBe('second');
  });

  it('reports a missing plugins folder only when it was named explicitly', async () => {
    const missing = join(folders.root, 'nope');
    const [optional, required] = [
      (await load({ builtins: [], pluginsDir: missing }))[0] as LoadResult,
      (await load({ builtins: [], pluginsDir: missing, pluginsDirRequired: true }))[0] as LoadResult,
    ];
    expect(nodesOf(optional)).toEqual([]);
    expect(failureOf(required).message).toContain('the plugins folder (LOOM_PLUGINS_DIR) does not exist');
  });

  it('loads npm packages named in loom.config.json from node_modules, and names one that is not installed', async () => {
    const refs = ['acme.npm@1.0.0'];
    await folders.write('project/node_modules/@acme/npm-nodes', {
      'package.json': pluginManifest('@acme/npm-nodes', refs),
      'src/index.ts': pluginEntry(refs),
    });
    await folders.write('project', { 'loom.config.json': { plugins: ['@acme/npm-nodes'] } });
    const configFile = join(folders.root, 'project/loom.config.json');
    expect(nodesOf((await load({ builtins: [], configFile }))[0] as LoadResult)[0]?.plugin?.origin).toBe('npm');

    await folders.write('project', { 'loom.config.json': { plugins: ['@acme/npm-nodes', 'not-installed'] } });
    expect(failureOf((await load({ builtins: [], configFile }))[0] as LoadResult).message).toBe(
      `plugin not-installed (${configFile}): is listed in loom.config.json but not installed in ${join(folders.root, 'project')}/node_modules (run \`pnpm add not-installed\`)`,
    );
  });
});
