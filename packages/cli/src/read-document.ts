import { readFile } from 'node:fs/promises';
import { type Diagnostic, error, parseJsonText } from '@loom/graph';
import { UserError } from './user-error.ts';

/** Reads a pipeline file and parses its JSON; a syntax error comes back as a diagnostic with line and column. */
export async function readDocumentFile(
  path: string,
): Promise<{ ok: true; raw: unknown } | { ok: false; diagnostics: Diagnostic[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: no such file`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a directory, expected a .loom.json file`);
    throw new UserError(`${path}: cannot read (${(cause as Error).message})`);
  }
  const parsed = parseJsonText(text);
  if (parsed.ok) return { ok: true, raw: parsed.value };
  return { ok: false, diagnostics: [error('document.invalid-json', `invalid JSON: ${parsed.message}`, { path: '' })] };
}
