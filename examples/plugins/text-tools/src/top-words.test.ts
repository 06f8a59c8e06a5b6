import { runNode } from '@loom/sdk/testing';
import { describe, expect, it } from 'vitest';
import { topWords } from './top-words.ts';

describe('text.top_words', () => {
  it('lists the most frequent words first, ties alphabetically, folding case', async () => {
    const result = await runNode(topWords, { params: { count: 3 }, inputs: { text: 'b a C\nc B c\nd a' } });
    expect(result.outputs.words).toEqual([
      { word: 'c', count: 3 },
      { word: 'a', count: 2 },
      { word: 'b', count: 2 },
    ]);
    expect(result.logs).toEqual([{ level: 'info', message: '4 distinct words; listing 3' }]);
    await result.cleanup();
  });

  it('lists 10 words by default, or fewer when the text has fewer', async () => {
    const many = Array.from({ length: 15 }, (_, i) => `w${i}`).join(' ');
    const result = await runNode(topWords, { inputs: { text: many } });
    expect(result.outputs.words).toHaveLength(10);
    const few = await runNode(topWords, { inputs: { text: 'one two' } });
    expect(few.outputs.words).toHaveLength(2);
    await Promise.all([result.cleanup(), few.cleanup()]);
  });
});
