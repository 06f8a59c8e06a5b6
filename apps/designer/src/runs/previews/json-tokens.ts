/** A piece of pretty-printed JSON and what it is, for colouring. */
export interface JsonToken {
  kind: 'key' | 'string' | 'number' | 'literal' | 'punctuation' | 'space';
  text: string;
}

// A string (a key when a colon follows), a number, true/false/null, punctuation or white space.
const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)|([{}[\],:])|(\s+)/g;

/**
 * Splits JSON text into tokens; joined again they give the text back. Anything unexpected (text that is
 * not JSON) becomes punctuation rather than being lost.
 */
export function jsonTokens(text: string): JsonToken[] {
  const tokens: JsonToken[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index;
    if (index > last) tokens.push({ kind: 'punctuation', text: text.slice(last, index) });
    const [whole, string, colon, number, literal] = match;
    if (string !== undefined) {
      tokens.push({ kind: colon === undefined ? 'string' : 'key', text: string });
      if (colon !== undefined) tokens.push({ kind: 'punctuation', text: colon });
    } else if (number !== undefined) tokens.push({ kind: 'number', text: number });
    else if (literal !== undefined) tokens.push({ kind: 'literal', text: literal });
    else tokens.push({ kind: /^\s+$/.test(whole) ? 'space' : 'punctuation', text: whole });
    last = index + whole.length;
  }
  if (last < text.length) tokens.push({ kind: 'punctuation', text: text.slice(last) });
  return tokens;
}

/** A one-line summary of a collapsed value: `{…} 3 keys`, `[…] 12 items`, or the value itself. */
export function summarizeJson(value: unknown): string {
  if (Array.isArray(value)) return `[…] ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (value !== null && typeof value === 'object') {
    const count = Object.keys(value).length;
    return `{…} ${count} key${count === 1 ? '' : 's'}`;
  }
  return JSON.stringify(value) ?? String(value);
}
