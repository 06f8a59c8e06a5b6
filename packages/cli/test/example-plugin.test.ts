/**
 * The example plugin in examples/plugins/text-tools, as its README promises: Loom lists its nodes from
 * the examples' plugins folder, runs its example pipeline, and loads it from npm once packed and installed.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, loom } from './loom-process.ts';
import { installPackedPlugin, nodesWithPrefix, outputValue, pnpm, type RunReport } from './plugin-packages.ts';

const PLUGINS_DIR = join(EXAMPLES, 'plugins');
const PLUGIN_DIR = join(PLUGINS_DIR, 'text-tools');
const NAME = '@loom-examples/text-tools';
/** For a check that starts `loom` (a few seconds each; more on a machine busy with other tests). */
const LOOM_TIMEOUT_MS = 60_000;

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loom-example-plugin-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the text-tools example plugin', () => {
  it(
    'is listed from the plugins folder, both versions of text.word_count side by side',
    async () => {
      const result = await loom(['nodes', '--json'], work, { LOOM_PLUGINS_DIR: PLUGINS_DIR });
      expect(result.code, result.stderr).toBe(0);
      const plugin = { name: NAME, version: '1.0.0', origin: 'directory', path: PLUGIN_DIR };
      expect(
        nodesWithPrefix(result.stdout, 'text.').map(({ type, version, plugin }) => ({ type, version, plugin })),
      ).toEqual([
        { type: 'text.top_words', version: '1.0.0', plugin },
        { type: 'text.word_count', version: '1.0.0', plugin },
        { type: 'text.word_count', version: '2.0.0', plugin },
      ]);
    },
    LOOM_TIMEOUT_MS,
  );

  it(
    'runs its example pipeline on the poem',
    async () => {
      const result = await loom(['run', '--json', join(PLUGIN_DIR, 'example.loom.json')], work, {
        LOOM_PLUGINS_DIR: PLUGINS_DIR,
        LOOM_HOME: join(work, 'home'),
      });
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as RunReport;
      expect(report.status).toBe('succeeded');
      expect(await outputValue(report, 'count', 'metrics')).toEqual({
        words: 64,
        unique_words: 52,
        lines: 16,
        characters: 457,
      });
      // Ties in alphabetical order: "count" and "thread" both occur 3 times.
      expect(await outputValue(report, 'top', 'words')).toEqual([
        { word: 'the', count: 14 },
        { word: 'and', count: 6 },
        { word: 'a', count: 4 },
        { word: 'of', count: 4 },
        { word: 'count', count: 3 },
      ]);
    },
    LOOM_TIMEOUT_MS,
  );

  it('loads as an npm plugin once packed and installed into a project that lists it in loom.config.json', async () => {
    const project = join(work, 'project');
    await mkdir(project);
    await installPackedPlugin(PLUGIN_DIR, project, NAME);
    const result = await loom(['nodes', '--json'], project, { LOOM_PLUGINS_DIR: '' });
    expect(result.code, result.stderr).toBe(0);
    const origins = nodesWithPrefix(result.stdout, 'text.').map((entry) => entry.plugin?.origin);
    expect(origins).toEqual(['npm', 'npm', 'npm']);
    // What was published: the source Loom runs and the README, not the tests.
    const listed = await pnpm(['pack', '--dry-run'], PLUGIN_DIR);
    expect(listed.stdout).toContain('src/word-count.ts');
    expect(listed.stdout).toContain('README.md');
    expect(listed.stdout).not.toContain('.test.ts');
  }, 240_000);
});
