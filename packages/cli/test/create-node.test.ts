/**
 * `loom create-node` as a plugin author meets it: the package it writes installs offline from the local
 * pnpm store, passes its own tests and type-check, and Loom loads it from a plugins folder and, packed
 * and installed like a published package, from npm.
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoomResult, loom } from './loom-process.ts';
import { installPackedPlugin, nodesWithPrefix, outputValue, pnpm, type RunReport } from './plugin-packages.ts';

const NAME = '@acme/loom-scale';
const NODE = 'acme.scale_metrics';
/** For a check that starts `loom` (a few seconds each; more on a machine busy with other tests). */
const LOOM_TIMEOUT_MS = 60_000;
/** For installing, testing and type-checking the package, or packing and installing it. */
const PNPM_TIMEOUT_MS = 240_000;

let work: string;
/** The plugins folder the package is created in: `work/plugins`, holding `@acme/loom-scale`. */
let pluginsDir: string;
let pluginDir: string;
let created: LoomResult;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loom-create-node-'));
  pluginsDir = join(work, 'plugins');
  pluginDir = join(pluginsDir, '@acme', 'loom-scale');
  created = await loom(['create-node', join('plugins', '@acme', 'loom-scale')], work);
}, LOOM_TIMEOUT_MS);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** `loom ARGS` from `cwd` with the scaffold's plugins folder, and state kept in the work folder. */
function loomWithPlugin(args: string[], cwd = work): Promise<LoomResult> {
  return loom(args, cwd, { LOOM_PLUGINS_DIR: pluginsDir, LOOM_HOME: join(work, 'home') });
}

describe('loom create-node', () => {
  it('writes a plugin package named after its folder, and says what to do next', async () => {
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toContain(`created ${NAME} in plugins/@acme/loom-scale`);
    expect(created.stdout).toMatch(/pnpm install[\s\S]*pnpm test[\s\S]*loom nodes[\s\S]*loom start --dev/);
    expect((await readdir(pluginDir, { recursive: true })).sort()).toEqual([
      '.gitignore',
      'README.md',
      'example.loom.json',
      'package.json',
      'pnpm-workspace.yaml',
      'src',
      'src/index.ts',
      'src/scale-metrics.test.ts',
      'src/scale-metrics.ts',
      'tsconfig.json',
      'vitest.config.ts',
    ]);
    const manifest = JSON.parse(await readFile(join(pluginDir, 'package.json'), 'utf8'));
    expect(manifest.loom.nodes).toEqual([`${NODE}@1.0.0`]);
    // A link to this checkout's SDK, relative to the package.
    expect(manifest.devDependencies['@loom/sdk']).toMatch(/^link:(\.\.\/)+.*packages\/sdk$/);
  });

  it(
    'refuses a folder that is not empty, and leaves it as it was',
    async () => {
      const again = await loom(['create-node', pluginDir], work);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(
        `error: ${pluginDir} is not empty (it holds .gitignore, README.md, example.loom.json, …): choose a new or empty folder\n`,
      );
    },
    LOOM_TIMEOUT_MS,
  );

  it(
    'refuses a folder name that is no npm package name, pointing at --name',
    async () => {
      const result = await loom(['create-node', 'My Nodes'], work);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('give the package name with --name');
      await expect(readdir(join(work, 'My Nodes'))).rejects.toThrow();
    },
    LOOM_TIMEOUT_MS,
  );

  it(
    'installs offline, and its own tests and type-check pass',
    async () => {
      const install = await pnpm(['install', '--offline'], pluginDir);
      expect(install.code, install.stdout + install.stderr).toBe(0);
      const test = await pnpm(['test'], pluginDir);
      expect(test.code, test.stdout + test.stderr).toBe(0);
      expect(test.stdout).toMatch(/Tests\s+4 passed/);
      const build = await pnpm(['build'], pluginDir);
      expect(build.code, build.stdout + build.stderr).toBe(0);
    },
    PNPM_TIMEOUT_MS,
  );

  it(
    'is listed by loom nodes from its plugins folder',
    async () => {
      const result = await loomWithPlugin(['nodes', '--json']);
      expect(result.code, result.stderr).toBe(0);
      expect(nodesWithPrefix(result.stdout, 'acme.')).toEqual([
        expect.objectContaining({
          type: NODE,
          version: '1.0.0',
          source: `${NAME}@0.1.0`,
          plugin: { name: NAME, version: '0.1.0', origin: 'directory', path: pluginDir },
        }),
      ]);
    },
    LOOM_TIMEOUT_MS,
  );

  it(
    'runs in its example pipeline',
    async () => {
      const result = await loomWithPlugin(['run', '--json', join(pluginDir, 'example.loom.json')]);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as RunReport;
      expect(report.status).toBe('succeeded');
      expect(await outputValue(report, 'percent', 'metrics')).toEqual({ accuracy: 91.2, f1: 87.7 });
    },
    LOOM_TIMEOUT_MS,
  );

  it(
    'loads as an npm plugin once packed and installed into a project that lists it in loom.config.json',
    async () => {
      const project = join(work, 'project');
      await mkdir(project);
      await installPackedPlugin(pluginDir, project, NAME);
      // No plugins folder here: only loom.config.json names the plugin.
      const result = await loom(['nodes', '--json'], project, { LOOM_PLUGINS_DIR: '' });
      expect(result.code, result.stderr).toBe(0);
      expect(nodesWithPrefix(result.stdout, 'acme.')).toEqual([
        expect.objectContaining({
          type: NODE,
          plugin: {
            name: NAME,
            version: '0.1.0',
            origin: 'npm',
            path: join(project, 'node_modules', '@acme', 'loom-scale'),
          },
        }),
      ]);
    },
    PNPM_TIMEOUT_MS,
  );
});
