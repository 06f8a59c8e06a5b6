/**
 * Describes a `JSON.parse` failure by line and column, which is what a person looks for in an editor,
 * e.g. `line 4, column 12: Expected ',' or '}' after property value`.
 */
export function describeJsonError(text: string, cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (text.trim() === '') return 'the text is empty';
  const position = /at position (\d+)/.exec(message);
  if (position?.[1] === undefined) return message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const reason = message.replace(/\s*in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
  return `line ${line}, column ${column}: ${reason}`;
}

/** `JSON.parse` that reports failure as a value with a located message instead of throwing. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (cause) {
    return { ok: false, message: describeJsonError(text, cause) };
  }
}
