import { dirname } from 'node:path';
import { CURRENT_FORMAT_VERSION, parseDocument, serializeDocument } from '@loom/graph';
import { AtomicFiles } from '@loom/runtime';
import pc from 'picocolors';
import { writeProblems } from '../diagnostics-output.ts';
import { readDocumentText } from '../read-document.ts';
import { UserError } from '../user-error.ts';

/**
 * `loom format FILE…`: rewrites pipeline documents in canonical form (and at the current format
 * version), so they diff cleanly in git. `--check` only reports the files that are not canonical.
 * Returns the exit code: 1 when a file is invalid, or with `--check` when one would change.
 */
export async function formatCommand(files: string[], options: { check?: boolean }): Promise<number> {
  let exitCode = 0;
  for (const file of files) {
    const text = await readDocumentText(file);
    const loaded = parseDocument(text);
    if (!loaded.ok) {
      writeProblems(`${file} not formatted`, loaded.diagnostics);
      exitCode = 1;
      continue;
    }
    const canonical = serializeDocument(loaded.document);
    if (canonical === text) {
      if (!options.check) process.stdout.write(`${pc.dim('unchanged')} ${file}\n`);
      continue;
    }
    if (options.check) {
      process.stdout.write(`${pc.yellow('would reformat')} ${file}\n`);
      exitCode = 1;
      continue;
    }
    // Written beside the file, then renamed over it: an interrupted write never leaves half a document.
    try {
      await new AtomicFiles(dirname(file)).write(file, canonical);
    } catch (cause) {
      throw new UserError(`${file}: cannot write (${(cause as Error).message})`);
    }
    const upgraded =
      loaded.migratedFrom === undefined ? '' : ` (format version ${loaded.migratedFrom} → ${CURRENT_FORMAT_VERSION})`;
    process.stdout.write(`${pc.green('formatted')} ${file}${upgraded}\n`);
  }
  return exitCode;
}
