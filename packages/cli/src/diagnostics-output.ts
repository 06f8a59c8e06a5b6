import { type Diagnostic, formatDiagnostic } from '@loom/graph';
import pc from 'picocolors';

/** The JSON shape promised by `--json`: `{ code, message, nodeId?, edgeId?, path? }`. */
export function publicDiagnostic(d: Diagnostic): Record<string, string> {
  const out: Record<string, string> = { code: d.code, message: d.message };
  if (d.nodeId !== undefined) out.nodeId = d.nodeId;
  if (d.edgeId !== undefined) out.edgeId = d.edgeId;
  if (d.path !== undefined) out.path = d.path;
  return out;
}

/** Writes `✖ <headline>: N problems` and then one line per diagnostic to standard error. */
export function writeProblems(headline: string, diagnostics: readonly Diagnostic[]): void {
  const count = diagnostics.filter((d) => d.severity === 'error').length;
  process.stderr.write(`${pc.red('✖')} ${headline}: ${count} problem${count === 1 ? '' : 's'}\n`);
  for (const d of diagnostics) process.stderr.write(`  ${formatDiagnostic(d)}\n`);
}
