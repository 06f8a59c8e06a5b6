import { defineNode, describeJsonError, inputFile, type JsonValue, NodeError, output, Type } from '@loom/sdk';
import { readTextFile } from './read-file.ts';

export const readJson = defineNode({
  type: 'core.read_json',
  version: '1.0.0',
  title: 'Read JSON',
  description: 'Reads a JSON file (a single value, or JSON Lines as an array) from disk.',
  category: 'data',
  params: Type.Object({
    path: inputFile({
      description:
        'File path. A relative path is taken from the pipeline file’s folder under `loom run`, and from the server’s first data folder under `loom start` (LOOM_DATA_ROOTS; by default the folder the server was started in).',
    }),
    lines: Type.Boolean({ default: false, description: 'Read JSON Lines: one value per line, giving an array.' }),
  }),
  outputs: { data: output('json', { description: 'The parsed value.' }) },
  fingerprint: async (ctx) => ctx.hashFile(ctx.resolvePath(ctx.params.path)),
  async run(ctx) {
    const text = await readTextFile(ctx.params.path, ctx.resolvePath(ctx.params.path));
    if (!ctx.params.lines) {
      try {
        return { data: JSON.parse(text) as JsonValue };
      } catch (cause) {
        throw new NodeError(`${ctx.params.path} is not valid JSON: ${describeJsonError(text, cause)}`, {
          retryable: false,
        });
      }
    }
    const values: JsonValue[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] as string).trim();
      if (line === '') continue;
      try {
        values.push(JSON.parse(line) as JsonValue);
      } catch (cause) {
        throw new NodeError(`${ctx.params.path} line ${i + 1} is not valid JSON: ${describeJsonError(line, cause)}`, {
          retryable: false,
        });
      }
    }
    ctx.log.info(`read ${values.length} records`);
    return { data: values };
  },
});
