// Runs the real `bin/loom.js` in a child process, as a user would; shared by the CLI's end-to-end tests.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

export const LOOM_BIN = fileURLToPath(new URL('../bin/loom.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

export interface LoomResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `loom ARGS` in `cwd` without colours; LOOM_HOME is unset unless `env` sets it. */
export function loom(args: string[], cwd: string, env: Record<string, string> = {}): Promise<LoomResult> {
  const { FORCE_COLOR: _force, LOOM_HOME: _home, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [LOOM_BIN, ...args],
      { cwd, env: { ...inherited, NO_COLOR: '1', ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout: stripVTControlCharacters(stdout), stderr: stripVTControlCharacters(stderr) });
      },
    );
  });
}

/** Runs `loom ARGS` in `cwd` with its state kept under `cwd/home`. */
export function loomWithHome(args: string[], cwd: string): Promise<LoomResult> {
  return loom(args, cwd, { LOOM_HOME: join(cwd, 'home') });
}
