import { compile } from '@loom/compiler';
import { type Diagnostic, formatDiagnostic } from '@loom/graph';
import type { NodeRegistry } from '@loom/sdk';
import pc from 'picocolors';
import { readDocumentFile } from '../read-document.ts';

export interface ValidateOptions {
  json?: boolean;
}

/** `loom validate FILE`: every problem in the document, or "valid". Returns the exit code. */
export async function validateCommand(file: string, options: ValidateOptions, registry: NodeRegistry): Promise<number> {
  const read = await readDocumentFile(file);
  const diagnostics: Diagnostic[] = read.ok
    ? compile(read.raw, registry, { allowUnsetParameters: true }).diagnostics
    : read.diagnostics;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ ok: errors.length === 0, diagnostics: diagnostics.map(publicDiagnostic) }, null, 2)}\n`,
    );
  } else if (errors.length === 0) {
    process.stdout.write(`${pc.green('✔')} ${file} is valid\n`);
  } else {
    process.stderr.write(`${pc.red('✖')} ${file}: ${errors.length} problem${errors.length === 1 ? '' : 's'}\n`);
    for (const d of diagnostics) process.stderr.write(`  ${formatDiagnostic(d)}\n`);
  }
  return errors.length === 0 ? 0 : 1;
}

/** The JSON shape promised by `--json`: `{ code, message, nodeId?, edgeId?, path? }`. */
export function publicDiagnostic(d: Diagnostic): Record<string, string> {
  const out: Record<string, string> = { code: d.code, message: d.message };
  if (d.nodeId !== undefined) out.nodeId = d.nodeId;
  if (d.edgeId !== undefined) out.edgeId = d.edgeId;
  if (d.path !== undefined) out.path = d.path;
  return out;
}
