import { type PipelineDocument, parseParameterText } from '@loom/graph';
import { UserError } from './user-error.ts';

/**
 * `--param name=value` flags, typed by the document's parameter declarations: `loom run` and
 * `loom remote run` read them the same way. A flag without `=`, an undeclared name or a value that is
 * not of the parameter's type is a usage error (exit 2) that names the flag.
 *
 * @example
 * parseParameterFlags(document, ['min_accuracy=0.95']); // { min_accuracy: 0.95 }
 */
export function parseParameterFlags(
  document: PipelineDocument,
  flags: readonly string[],
): Record<string, string | number | boolean> {
  const declared = document.parameters ?? {};
  const values: Record<string, string | number | boolean> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new UserError(`--param ${flag}: expected name=value`, 2);
    const name = flag.slice(0, eq);
    const text = flag.slice(eq + 1);
    const parameter = declared[name];
    if (parameter === undefined) {
      const known = Object.keys(declared);
      throw new UserError(
        `--param ${name}: the pipeline has no parameter "${name}"${known.length > 0 ? `; its parameters are ${known.join(', ')}` : ''}`,
        2,
      );
    }
    const parsed = parseParameterText(parameter, text);
    if (!parsed.ok) throw new UserError(`--param ${name}: ${parsed.message}`, 2);
    values[name] = parsed.value;
  }
  return values;
}
