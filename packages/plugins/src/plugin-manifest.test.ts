import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPluginManifest } from './plugin-manifest.ts';
import { PluginFolders, pluginManifest } from './test-fixtures/plugin-folders.ts';

let folders: PluginFolders;
beforeEach(async () => {
  folders = await PluginFolders.create();
});
afterEach(() => folders.remove());

describe('readPluginManifest', () => {
  it('reads a plugin package.json', async () => {
    const dir = await folders.write('greet', {
      'package.json': pluginManifest('@acme/greet', ['acme.greet@1.0.0', 'acme.greet@2.0.0']),
      'src/index.ts': '',
    });
    const result = await readPluginManifest(dir, 'directory');
    expect(result).toEqual({
      ok: true,
      manifest: {
        name: '@acme/greet',
        version: '1.0.0',
        dir,
        origin: 'directory',
        apiVersion: 1,
        entry: `${dir}/src/index.ts`,
        nodes: ['acme.greet@1.0.0', 'acme.greet@2.0.0'],
      },
    });
  });

  it('reports every problem at once, each naming the field to fix', async () => {
    const dir = await folders.write('broken', {
      'package.json': {
        name: 'broken',
        version: 'one',
        loom: { apiVersion: 2, entry: './missing.ts', nodes: ['acme.greet', 'acme.greet@1.0.0', 'acme.greet@1.0.0'] },
        dependencies: { '@loom/sdk': '^0.1.0' },
      },
    });
    const result = await readPluginManifest(dir, 'directory');
    expect(result.ok).toBe(false);
    const messages = result.ok ? [] : result.problems.map((p) => p.message);
    expect(messages).toEqual([
      '"version" must be semver (e.g. "1.0.0"), not "one"',
      '"type" must be "module": Loom imports plugins as ES modules',
      '"peerDependencies" must list "@loom/sdk": Loom provides the SDK its plugins run against',
      '"@loom/sdk" must be a peer dependency, not in "dependencies": a second copy of the SDK would not be the one Loom runs',
      '"loom.apiVersion" 2 is newer than this Loom supports (1): upgrade Loom',
      '"loom.entry" names ./missing.ts, which does not exist',
      '"loom.nodes[0]" must be "type@version" (e.g. "acme.word_count@1.0.0"), not "acme.greet"',
      '"loom.nodes" lists acme.greet@1.0.0 twice',
    ]);
    expect(result.ok ? undefined : result.problems[0]).toMatchObject({ plugin: 'broken', path: `${dir}/package.json` });
  });

  it('says what is missing for a package that is not a plugin, and for a folder without package.json', async () => {
    const dir = await folders.write('plain', { 'package.json': { name: 'plain', version: '1.0.0', type: 'module' } });
    const plain = await readPluginManifest(dir, 'directory');
    expect(plain.ok ? [] : plain.problems.map((p) => p.message)).toContain(
      '"loom" is missing: a Loom plugin says { "apiVersion", "entry", "nodes" } there',
    );
    const empty = await folders.write('empty', { 'README.md': 'nothing here' });
    const none = await readPluginManifest(empty, 'directory');
    expect(none.ok ? [] : none.problems).toEqual([
      { plugin: empty, path: `${empty}/package.json`, message: 'has no package.json' },
    ]);
  });

  it('refuses an entry outside the package', async () => {
    const dir = await folders.write('escape', {
      'package.json': {
        ...pluginManifest('escape', ['acme.x@1.0.0']),
        loom: { apiVersion: 1, entry: '../x.ts', nodes: ['acme.x@1.0.0'] },
      },
    });
    const result = await readPluginManifest(dir, 'directory');
    expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual([
      '"loom.entry" (../x.ts) must be inside the package',
    ]);
  });
});
