import { readFile } from 'node:fs/promises';
import { parseDocument, serializeDocument } from '@loom/graph';
import { describe, expect, it } from 'vitest';
import { PLUGIN_DEV_TOOLS } from './package-files.ts';
import { pluginTemplate } from './plugin-template.ts';

const OPTIONS = {
  packageName: '@acme/loom-text',
  typePrefix: 'acme',
  sdkLink: 'link:../../packages/sdk',
  sdkVersion: '0.1.0',
};

function file(path: string): string {
  const found = pluginTemplate(OPTIONS).find((f) => f.path === path);
  if (found === undefined) throw new Error(`the template has no ${path}`);
  return found.content;
}

describe('pluginTemplate', () => {
  it('holds a complete package', () => {
    expect(pluginTemplate(OPTIONS).map((f) => f.path)).toEqual([
      'package.json',
      'tsconfig.json',
      'vitest.config.ts',
      'pnpm-workspace.yaml',
      '.gitignore',
      'src/index.ts',
      'src/scale-metrics.ts',
      'src/scale-metrics.test.ts',
      'example.loom.json',
      'README.md',
    ]);
  });

  it('writes a plugin manifest naming the example node, the SDK as an optional peer and linked for development', () => {
    const manifest = JSON.parse(file('package.json'));
    expect(manifest).toMatchObject({
      name: '@acme/loom-text',
      version: '0.1.0',
      type: 'module',
      loom: { apiVersion: 1, entry: './src/index.ts', nodes: ['acme.scale_metrics@1.0.0'] },
      peerDependencies: { '@loom/sdk': '^0.1.0' },
      peerDependenciesMeta: { '@loom/sdk': { optional: true } },
      devDependencies: { '@loom/sdk': 'link:../../packages/sdk', typescript: '6.0.3', vitest: '4.1.12' },
      scripts: { test: 'vitest run', build: 'tsc -p tsconfig.json' },
    });
    expect(file('src/scale-metrics.ts')).toContain("type: 'acme.scale_metrics',");
  });

  it('pins the development tools Loom itself is tested with', async () => {
    const root = JSON.parse(await readFile(new URL('../../../../package.json', import.meta.url), 'utf8'));
    for (const [name, version] of Object.entries(PLUGIN_DEV_TOOLS)) {
      expect([name, root.devDependencies[name].replace(/^\^/, '')]).toEqual([name, version]);
    }
  });

  it('type-checks with the compiler options of Loom’s own tsconfig', async () => {
    const root = JSON.parse(await readFile(new URL('../../../../tsconfig.json', import.meta.url), 'utf8'));
    expect(JSON.parse(file('tsconfig.json')).compilerOptions).toEqual(root.compilerOptions);
  });

  it('writes an example pipeline that is valid and canonical', () => {
    const loaded = parseDocument(file('example.loom.json'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    expect(serializeDocument(loaded.document)).toBe(file('example.loom.json'));
    expect(loaded.document.nodes.map((n) => `${n.type}@${n.version}`)).toContain('acme.scale_metrics@1.0.0');
  });
});
