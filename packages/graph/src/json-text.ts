/**
 * Describes a `JSON.parse` failure by line and column, which is what a person looks for in an editor,
 * e.g. `line 4, column 12: Expected ',' or '}' after property value`.
 */
export function describeJsonError(text: string, cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (text.trim() === '') return 'the text is empty';
  const position = /at position (\d+)/.exec(message);
  const offset = position?.[1] === undefined ? unreportedOffset(text, message) : Number(position[1]);
  if (offset === undefined) return message;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const reason = message
    .replace(/\s*(?:in JSON )?at position \d+.*$/s, '')
    .replace(/\s*\(line \d+ column \d+\)$/, '')
    .replace(/, (?:\.\.\.)?".*is not valid JSON$/s, '');
  return `line ${line}, column ${column}: ${reason}`;
}

/**
 * Where parsing failed when V8 does not say (`Unexpected end of JSON input`, and
 * `Unexpected token 'x', "…" is not valid JSON`, which also quotes the whole text): the end of the
 * text, or the last character of the shortest prefix that fails before its own end.
 */
function unreportedOffset(text: string, message: string): number | undefined {
  if (message.includes('Unexpected end of JSON input')) return text.trimEnd().length;
  if (!failsBeforeEnd(text)) return undefined;
  let low = 1;
  let high = text.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (failsBeforeEnd(text.slice(0, middle))) high = middle;
    else low = middle + 1;
  }
  return high - 1;
}

function failsBeforeEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (message.includes('Unexpected end of JSON input')) return false;
    const position = /at position (\d+)/.exec(message);
    return position?.[1] === undefined || Number(position[1]) < prefix.length;
  }
}

/** `JSON.parse` that reports failure as a value with a located message instead of throwing. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (cause) {
    return { ok: false, message: describeJsonError(text, cause) };
  }
}
