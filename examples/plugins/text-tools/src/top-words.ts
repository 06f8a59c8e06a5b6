import { defineNode, input, output, Type } from '@loom/sdk';
import { tallyWords } from './words.ts';

export const topWords = defineNode({
  type: 'text.top_words',
  version: '1.0.0',
  title: 'Top words',
  description: 'Lists the most frequent words of a text (folded to lower case) with how often each occurs.',
  category: 'text',
  inputs: { text: input('text', { description: 'The text to read.' }) },
  params: Type.Object({
    count: Type.Integer({ minimum: 1, maximum: 10_000, default: 10, description: 'How many words to list.' }),
  }),
  outputs: {
    words: output('json', { description: 'An array of { word, count }, most frequent first; ties alphabetically.' }),
  },
  async run(ctx) {
    const { counts } = await tallyWords(ctx.inputs.text, { lowercase: true, minLength: 1 }, ctx);
    // Ties in word order, so the same text always gives the same list.
    const ranked = [...counts]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, ctx.params.count)
      .map(([word, count]) => ({ word, count }));
    ctx.log.info(`${counts.size} distinct words; listing ${ranked.length}`);
    return { words: ranked };
  },
});
