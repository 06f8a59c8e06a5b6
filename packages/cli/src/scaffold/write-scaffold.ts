import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ScaffoldFile } from './scaffold-file.ts';

/** Why a folder cannot take a scaffold: it holds something, or is not a folder. */
export class ScaffoldTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaffoldTargetError';
  }
}

/**
 * Writes `files` into `dir`, which must be empty or not exist yet (it is created, with its parents).
 * Nothing is ever overwritten: a file that appears meanwhile stops the scaffold rather than being replaced.
 *
 * @throws {ScaffoldTargetError} when `dir` is a file or holds anything.
 */
export async function writeScaffold(dir: string, files: readonly ScaffoldFile[]): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new ScaffoldTargetError(`${dir} is a file, not a folder`);
    if (code !== 'ENOENT') throw cause;
    entries = [];
  }
  if (entries.length > 0) {
    const shown = entries.sort().slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
    throw new ScaffoldTargetError(`${dir} is not empty (it holds ${shown}): choose a new or empty folder`);
  }
  for (const file of files) {
    const path = join(dir, ...file.path.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, { flag: 'wx' });
  }
}
