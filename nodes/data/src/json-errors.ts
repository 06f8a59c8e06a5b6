import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { describeJsonError } from '@loom/sdk';

/** Files up to this size are parsed whole to locate an error in a JSON array; larger ones keep DuckDB's account. */
const WHOLE_FILE_LIMIT = 64 * 1024 * 1024;

/**
 * Where a JSON file that DuckDB refused is broken, as "line L, column C: reason". DuckDB counts its
 * lines and records in ways that do not match an editor's (blank lines, array elements), so the file is
 * parsed again here, up to the first error. Undefined when this parse finds nothing to blame: a file
 * of pretty-printed values one after another, or a file too large to parse whole.
 */
export async function locateJsonError(
  path: string,
  layout: 'array' | 'lines',
  size: number,
): Promise<string | undefined> {
  if (layout === 'array') {
    if (size > WHOLE_FILE_LIMIT) return undefined;
    const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
    try {
      JSON.parse(text);
      return undefined;
    } catch (cause) {
      return describeJsonError(text, cause);
    }
  }
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  let parsedOne = false;
  try {
    for await (const line of lines) {
      number++;
      if (line.trim() === '') continue;
      try {
        JSON.parse(line);
        parsedOne = true;
      } catch (cause) {
        // A first line that fails alone may be the start of a value spread over several lines, which
        // DuckDB reads; only blame lines in a file that is one value per line.
        if (!parsedOne) return undefined;
        return describeJsonError(line, cause).replace(/^line 1, /, `line ${number}, `);
      }
    }
  } finally {
    lines.close();
  }
  return undefined;
}
