import { delimiter, dirname, resolve } from 'node:path';
import { compileDocument } from '@loom/compiler';
import { type Diagnostic, parseDocument } from '@loom/graph';
import { checkInputFiles } from '@loom/runtime';
import type { NodeRegistry } from '@loom/sdk';
import pc from 'picocolors';
import { publicDiagnostic, writeProblems } from '../diagnostics-output.ts';
import { readDocumentText } from '../read-document.ts';

export interface ValidateOptions {
  json?: boolean;
}

/**
 * `loom validate FILE`: every problem in the document, or "valid". Returns the exit code. Files the
 * nodes read are looked up as `loom run` looks them up: from the document's folder, then in each folder
 * of `LOOM_DATA_ROOTS`.
 */
export async function validateCommand(file: string, options: ValidateOptions, registry: NodeRegistry): Promise<number> {
  // Past an undefined parameter reference, so that the problems behind it show in the same report.
  const loaded = parseDocument(await readDocumentText(file), { continuePastReferences: true });
  const diagnostics: Diagnostic[] = loaded.ok
    ? [
        ...(loaded.diagnostics ?? []),
        ...compileDocument(loaded.document, registry, { allowUnsetParameters: true }).diagnostics,
        ...(await checkInputFiles(loaded.document, registry, {
          baseDir: dirname(resolve(file)),
          dataRoots: (process.env.LOOM_DATA_ROOTS ?? '').split(delimiter).filter((root) => root.trim() !== ''),
        })),
      ]
    : loaded.diagnostics;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ ok: errors.length === 0, diagnostics: diagnostics.map(publicDiagnostic) }, null, 2)}\n`,
    );
  } else if (errors.length === 0) {
    process.stdout.write(`${pc.green('✔')} ${file} is valid\n`);
  } else {
    writeProblems(file, diagnostics);
  }
  return errors.length === 0 ? 0 : 1;
}
