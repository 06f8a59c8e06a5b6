// What plugin authors and users do with a plugin package, for the tests that follow them: pnpm in a
// package's folder, installing a packed plugin into a project, and reading what `loom` printed.
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { LoomResult } from './loom-process.ts';

/**
 * Runs `pnpm ARGS` in `cwd`, as if typed there: without the variables this test runner and the pnpm
 * script that started it set for themselves (the package's own vitest must not take them for its own),
 * but with the pnpm configuration (`npm_config_*`, such as where the store is).
 */
export function pnpm(args: string[], cwd: string, timeoutMs = 120_000): Promise<LoomResult> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(VITEST|npm_lifecycle_|npm_package_|INIT_CWD$|TEST$|NODE_ENV$|FORCE_COLOR$)/.test(name),
    ),
  );
  return new Promise((resolve) => {
    execFile('pnpm', args, { cwd, env: { ...env, NO_COLOR: '1' }, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout: stripVTControlCharacters(stdout), stderr: stripVTControlCharacters(stderr) });
    });
  });
}

/**
 * The npm route: packs the plugin in `pluginDir` as `pnpm publish` would, installs the tarball into the
 * project in `projectDir` (an empty folder) from the local store, and lists it in its `loom.config.json`.
 */
export async function installPackedPlugin(pluginDir: string, projectDir: string, name: string): Promise<void> {
  const packed = await pnpm(['pack', '--pack-destination', projectDir], pluginDir);
  if (packed.code !== 0) throw new Error(`pnpm pack failed:\n${packed.stdout}${packed.stderr}`);
  const tarball = (await readdir(projectDir)).find((file) => file.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball into ${projectDir}`);
  await writeFile(join(projectDir, 'package.json'), `${JSON.stringify({ name: 'loom-project', private: true })}\n`);
  const added = await pnpm(['add', `./${tarball}`, '--offline'], projectDir);
  if (added.code !== 0) throw new Error(`pnpm add ${tarball} failed:\n${added.stdout}${added.stderr}`);
  await writeFile(join(projectDir, 'loom.config.json'), `${JSON.stringify({ plugins: [name] })}\n`);
}

/** One node of `loom nodes --json`, as far as these tests look. */
export interface CatalogEntry {
  type: string;
  version: string;
  source: string;
  plugin?: { name: string; version: string; origin: string; path?: string };
}

/** The entries of `loom nodes --json` whose type starts with `prefix`. */
export function nodesWithPrefix(stdout: string, prefix: string): CatalogEntry[] {
  return (JSON.parse(stdout) as CatalogEntry[]).filter((entry) => entry.type.startsWith(prefix));
}

/** What `loom run --json` prints, as far as these tests look. */
export interface RunReport {
  status: string;
  steps: Array<{ id: string; status: string; outputs: Array<{ port: string; path: string }> }>;
}

/** The value a JSON-stored output of a `loom run --json` report holds. */
export async function outputValue(report: RunReport, stepId: string, port: string): Promise<unknown> {
  const output = report.steps.find((step) => step.id === stepId)?.outputs.find((o) => o.port === port);
  if (output === undefined) throw new Error(`the run has no output ${stepId}.${port}`);
  return JSON.parse(await readFile(output.path, 'utf8'));
}
