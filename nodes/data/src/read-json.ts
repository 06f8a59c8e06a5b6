import { open } from 'node:fs/promises';
import { defineNode, inputFile, NodeError, output, Type } from '@loom/sdk';
import { quoteLiteral } from '@loom/tables';
import { ingestTable } from './ingest.ts';
import { locateJsonError } from './json-errors.ts';
import { PATH_DESCRIPTION } from './read-csv.ts';
import { fingerprintSource, obtainSource } from './source-file.ts';

export const dataJson = defineNode({
  type: 'data.json',
  version: '1.0.0',
  title: 'JSON file',
  description:
    'Reads a JSON array of objects, or JSON Lines (one object per line), into a table: one row per object, one column per key. The layout is detected.',
  category: 'data',
  params: Type.Object({
    path: inputFile({ description: `The JSON or JSON Lines file. ${PATH_DESCRIPTION}` }),
  }),
  outputs: { table: output('table', { description: 'One row per object, with a source lineage of its columns.' }) },
  fingerprint: (ctx) => fingerprintSource(ctx),
  async run(ctx) {
    const source = await obtainSource(ctx.params.path, ctx);
    const layout = (await firstNonBlankCharacter(source.path)) === '[' ? 'array' : 'lines';
    ctx.log.debug(`${source.shown} holds ${layout === 'array' ? 'a JSON array' : 'JSON Lines'}`);
    // format = 'array' when the file is one: DuckDB's own detection stumbles on a byte order mark before
    // the '['. records = true: a file of scalars is refused instead of becoming one "json" column.
    const format = layout === 'array' ? 'array' : 'auto';
    const reader = `read_json(${quoteLiteral(source.path)}, format = '${format}', records = 'true')`;
    try {
      return await ingestTable(ctx, { source, format: 'json', reader });
    } catch (cause) {
      if (!(cause instanceof NodeError) || !cause.message.startsWith(`${source.shown} is not valid JSON: `))
        throw cause;
      const located = await locateJsonError(source.path, layout, source.size);
      if (located === undefined) throw cause;
      throw new NodeError(`${source.shown} is not valid JSON: ${located}`, { retryable: false, cause });
    }
  },
});

/** The first character that is not white space in the file's first KiB, to tell an array from JSON Lines. */
async function firstNonBlankCharacter(path: string): Promise<string | undefined> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(1024), 0, 1024, 0);
    return /\S/.exec(
      buffer
        .subarray(0, bytesRead)
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    )?.[0];
  } finally {
    await file.close();
  }
}
