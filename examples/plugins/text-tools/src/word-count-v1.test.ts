import { runNode } from '@loom/sdk/testing';
import { describe, expect, it } from 'vitest';
import { wordCountV1 } from './word-count-v1.ts';

const TEXT = 'The loom hums.\nThe shuttle runs, the threads run thin.\n';

describe('text.word_count@1.0.0', () => {
  it('counts words (case folded by default), distinct words, lines and characters', async () => {
    const result = await runNode(wordCountV1, { inputs: { text: TEXT } });
    expect(result.outputs.metrics).toEqual({ words: 10, unique_words: 8, lines: 2, characters: TEXT.length });
    expect(result.logs).toEqual([
      { level: 'info', message: 'counted 10 words (8 distinct) in 2 lines', fields: result.outputs.metrics },
    ]);
    expect(result.progress.at(-1)).toEqual({ fraction: 1, message: 'counted 2 of 2 lines' });
    await result.cleanup();
  });

  it('keeps case apart with lowercase=false and leaves out words shorter than min_length', async () => {
    const result = await runNode(wordCountV1, { params: { lowercase: false, min_length: 4 }, inputs: { text: TEXT } });
    // loom, hums, shuttle, runs, threads, thin: "The"/"the" and "run" are too short.
    expect(result.outputs.metrics).toMatchObject({ words: 6, unique_words: 6 });
    await result.cleanup();
  });

  it('gives zeros for an empty text', async () => {
    const result = await runNode(wordCountV1, { inputs: { text: '' } });
    expect(result.outputs.metrics).toEqual({ words: 0, unique_words: 0, lines: 0, characters: 0 });
    await result.cleanup();
  });

  it('refuses a min_length below 1', async () => {
    await expect(runNode(wordCountV1, { params: { min_length: 0 }, inputs: { text: TEXT } })).rejects.toThrow(
      /invalid params: \/min_length/,
    );
  });
});
