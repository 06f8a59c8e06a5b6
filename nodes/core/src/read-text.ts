import { defineNode, inputFile, output, Type } from '@loom/sdk';
import { readTextFile } from './read-file.ts';

export const readText = defineNode({
  type: 'core.read_text',
  version: '1.0.0',
  title: 'Read text',
  description: 'Reads a UTF-8 text file from disk.',
  category: 'data',
  params: Type.Object({
    path: inputFile({
      description:
        'File path. A relative path is taken from the pipeline file’s folder under `loom run`, and from the server’s first data folder under `loom start` (LOOM_DATA_ROOTS; by default the folder the server was started in).',
    }),
  }),
  outputs: { text: output('text', { description: 'The file’s contents.' }) },
  fingerprint: async (ctx) => ctx.hashFile(ctx.resolvePath(ctx.params.path)),
  async run(ctx) {
    return { text: await readTextFile(ctx.params.path, ctx.resolvePath(ctx.params.path)) };
  },
});
