import { readFile, stat } from 'node:fs/promises';
import { NodeError } from '@loom/sdk';

/** Reads a parameter-named file as UTF-8, turning a missing or unreadable file into a message the user can act on. */
export async function readTextFile(path: string, resolved: string): Promise<string> {
  try {
    // Only regular files: opening a named pipe or a device can block a thread that nothing can free,
    // and then not even a cancelled run can exit.
    const info = await stat(resolved);
    if (!info.isFile() && !info.isDirectory()) {
      throw new NodeError(`${path} is not a regular file (a pipe, socket or device?)`, { retryable: false });
    }
    return await readFile(resolved, 'utf8');
  } catch (cause) {
    if (cause instanceof NodeError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    const shown = path === resolved ? path : `${path} (${resolved})`;
    if (code === 'ENOENT') throw new NodeError(`file not found: ${shown}`, { retryable: false });
    if (code === 'EISDIR') throw new NodeError(`${shown} is a directory, not a file`, { retryable: false });
    if (code === 'EACCES') throw new NodeError(`permission denied reading ${shown}`, { retryable: false });
    throw cause;
  }
}
