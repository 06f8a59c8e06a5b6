import { defineNode, input, output, Type } from '@loom/sdk';
import { tallyWords, wordMetrics } from './words.ts';

/**
 * `text.word_count` 2.0.0: `min_length` is now `min_word_length` (it never limited the text, only its
 * words), and `stop_words` leaves out words such as "the". Renaming a parameter breaks documents that
 * set it, hence a major version and a `migrate` that carries a 1.0.0 node's settings over.
 */
export const wordCount = defineNode({
  type: 'text.word_count',
  version: '2.0.0',
  title: 'Word count',
  description: 'Counts the words, distinct words, lines and characters of a text, leaving out stop words.',
  category: 'text',
  inputs: { text: input('text', { description: 'The text to count.' }) },
  params: Type.Object({
    lowercase: Type.Boolean({ default: true, description: 'Count "The" and "the" as one word.' }),
    min_word_length: Type.Integer({
      minimum: 1,
      default: 1,
      description: 'Leave out words shorter than this many characters.',
    }),
    stop_words: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Words to leave out, e.g. "the" and "and"; matched ignoring case.',
    }),
  }),
  outputs: {
    metrics: output('metrics', { description: 'words, unique_words, lines and characters.' }),
  },
  migrate: {
    from: '1.0.0',
    // Only what the document set reaches here: an unset min_length stays unset, so the default applies.
    params: ({ min_length, ...unchanged }) =>
      min_length === undefined ? unchanged : { ...unchanged, min_word_length: min_length as number },
  },
  async run(ctx) {
    const filter = {
      lowercase: ctx.params.lowercase,
      minLength: ctx.params.min_word_length,
      stopWords: ctx.params.stop_words,
    };
    const tally = await tallyWords(ctx.inputs.text, filter, ctx);
    const metrics = wordMetrics(ctx.inputs.text, tally);
    ctx.log.info(
      `counted ${metrics.words} words (${metrics.unique_words} distinct) in ${metrics.lines} lines`,
      metrics,
    );
    return { metrics };
  },
});
