import { readFile } from 'node:fs/promises';
import { UserError } from './user-error.ts';

/** Reads a pipeline file's text; a missing or unreadable file is a user error that names it. */
export async function readDocumentText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: no such file`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a directory, expected a .loom.json file`);
    throw new UserError(`${path}: cannot read (${(cause as Error).message})`);
  }
}
