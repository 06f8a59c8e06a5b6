import { defineNode, input, output, Type } from '@loom/sdk';
import { tallyWords, wordMetrics } from './words.ts';

/**
 * The first version of `text.word_count`, kept installed beside the current one (`word-count.ts`): a
 * saved pipeline pins the version it was made with, and keeps running it until someone upgrades the node.
 */
export const wordCountV1 = defineNode({
  type: 'text.word_count',
  version: '1.0.0',
  title: 'Word count',
  description: 'Counts the words, distinct words, lines and characters of a text.',
  category: 'text',
  inputs: { text: input('text', { description: 'The text to count.' }) },
  params: Type.Object({
    lowercase: Type.Boolean({ default: true, description: 'Count "The" and "the" as one word.' }),
    min_length: Type.Integer({
      minimum: 1,
      default: 1,
      description: 'Leave out words shorter than this many characters.',
    }),
  }),
  outputs: {
    metrics: output('metrics', { description: 'words, unique_words, lines and characters.' }),
  },
  async run(ctx) {
    const filter = { lowercase: ctx.params.lowercase, minLength: ctx.params.min_length };
    const tally = await tallyWords(ctx.inputs.text, filter, ctx);
    const metrics = wordMetrics(ctx.inputs.text, tally);
    ctx.log.info(
      `counted ${metrics.words} words (${metrics.unique_words} distinct) in ${metrics.lines} lines`,
      metrics,
    );
    return { metrics };
  },
});
