import { runNode } from '@loom/sdk/testing';
import { describe, expect, it } from 'vitest';
import { wordCount } from './word-count.ts';
import { wordCountV1 } from './word-count-v1.ts';

const TEXT = 'The loom hums.\nThe shuttle runs, the threads run thin.\n';

function migrate(params: Record<string, unknown>): Record<string, unknown> {
  if (wordCount.migrate === undefined) throw new Error('text.word_count@2.0.0 has no migration');
  return wordCount.migrate.params(params);
}

describe('text.word_count@2.0.0', () => {
  it('counts as 1.0.0 did when no stop words are given', async () => {
    const result = await runNode(wordCount, { inputs: { text: TEXT } });
    expect(result.outputs.metrics).toEqual({ words: 10, unique_words: 8, lines: 2, characters: TEXT.length });
    expect(result.progress.at(-1)).toMatchObject({ fraction: 1 });
    await result.cleanup();
  });

  it('leaves out stop words, matched ignoring case', async () => {
    const result = await runNode(wordCount, { params: { stop_words: ['THE', 'run'] }, inputs: { text: TEXT } });
    expect(result.outputs.metrics).toMatchObject({ words: 6, unique_words: 6 });
    await result.cleanup();
  });

  it('leaves out words shorter than min_word_length', async () => {
    const result = await runNode(wordCount, { params: { min_word_length: 5 }, inputs: { text: TEXT } });
    expect(result.outputs.metrics).toMatchObject({ words: 2, unique_words: 2 }); // shuttle, threads
    await result.cleanup();
  });
});

describe('text.word_count 1.0.0 → 2.0.0 migration', () => {
  it('declares that it migrates from 1.0.0', () => {
    expect(wordCount.migrate?.from).toBe(wordCountV1.version);
  });

  it('renames min_length to min_word_length and keeps the other settings', () => {
    expect(migrate({ lowercase: false, min_length: 3 })).toEqual({ lowercase: false, min_word_length: 3 });
  });

  it('leaves an unset min_length unset, so 2.0.0’s default applies', () => {
    expect(migrate({})).toEqual({});
    expect(migrate({ lowercase: false })).toEqual({ lowercase: false });
  });

  it('gives migrated parameters the results the 1.0.0 node gave', async () => {
    for (const old of [{}, { min_length: 4 }, { lowercase: false, min_length: 2 }]) {
      const before = await runNode(wordCountV1, { params: old, inputs: { text: TEXT } });
      const after = await runNode(wordCount, { params: migrate(old), inputs: { text: TEXT } });
      expect(after.outputs.metrics, JSON.stringify(old)).toEqual(before.outputs.metrics);
      await Promise.all([before.cleanup(), after.cleanup()]);
    }
  });
});
