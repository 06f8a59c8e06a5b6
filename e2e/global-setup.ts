// Builds the designer once before any test; servers are started per test file by fixtures.ts.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { designerDir, REPO_ROOT } from './paths.ts';

const BUILD = ['--filter', '@loom/designer', 'build'];

export default async function globalSetup(): Promise<void> {
  const dir = designerDir();
  if (process.env.LOOM_E2E_SKIP_BUILD === '1') {
    if (!existsSync(join(dir, 'index.html'))) {
      throw new Error(
        `LOOM_E2E_SKIP_BUILD=1 but ${dir} has no index.html: build the designer first ` +
          `(pnpm ${BUILD.join(' ')}) or point LOOM_DESIGNER_DIR at a built designer.`,
      );
    }
    return;
  }
  const started = Date.now();
  const { code, output } = await run('pnpm', BUILD);
  if (code !== 0) {
    // The build's own output first (kept out of the error, whose stack Playwright would mix into it).
    process.stderr.write(`${output.trimEnd()}\n\n`);
    throw new Error(
      `The designer did not build (pnpm ${BUILD.join(' ')} exited with ${code}; its output is above), so ` +
        'the end-to-end tests cannot run. Fix the build, or set LOOM_E2E_SKIP_BUILD=1 to use an existing build.',
    );
  }
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`The designer built, but ${dir} has no index.html (is LOOM_DESIGNER_DIR pointing elsewhere?)`);
  }
  process.stderr.write(`designer built in ${((Date.now() - started) / 1000).toFixed(1)} s → ${dir}\n`);
}

/** Runs a command in the repository root, collecting stdout and stderr together. */
function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', (error) => resolve({ code: -1, output: `${output}${error.message}` }));
    child.once('close', (code, signal) =>
      resolve({ code: code ?? -1, output: signal ? `${output}(${signal})` : output }),
    );
  });
}
