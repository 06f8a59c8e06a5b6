import { type StringOptions, type TString, Type } from '@sinclair/typebox';

/**
 * The JSON Schema keyword that marks a string parameter as a file the node reads before it starts.
 * It travels with the schema through catalogs (an `x-` keyword, ignored by every checker), so the
 * server, `loom validate` and the designer can all say "file not found" before anything runs.
 */
export const INPUT_FILE_KEYWORD = 'x-loom-input-file';

/**
 * A parameter naming a file the node reads: a path (relative, absolute) or an http(s) URL. Use it for
 * files that must exist when the run starts, not for files a step waits for or writes.
 *
 * @example
 * params: Type.Object({ path: inputFile({ description: 'The CSV file.' }) })
 */
export function inputFile(options: StringOptions = {}): TString {
  return Type.String({ minLength: 1, ...options, [INPUT_FILE_KEYWORD]: true });
}

/** Whether a parameter's (JSON) schema was made by {@link inputFile}. */
export function isInputFileSchema(schema: unknown): boolean {
  return (
    typeof schema === 'object' && schema !== null && (schema as Record<string, unknown>)[INPUT_FILE_KEYWORD] === true
  );
}
