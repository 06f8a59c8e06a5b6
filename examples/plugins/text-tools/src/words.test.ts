import { describe, expect, it } from 'vitest';
import { characterCount, splitLines, tallyWords, wordPicker } from './words.ts';

const quietStep = () => ({ signal: new AbortController().signal, progress: () => {} });

describe('splitLines', () => {
  it('takes \\n, \\r\\n and \\r as line breaks, and a final one as no extra line', () => {
    expect(splitLines('a\nb\r\nc\rd\n')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitLines('a\n\nb')).toEqual(['a', '', 'b']);
    expect(splitLines('')).toEqual([]);
    expect(splitLines('\n')).toEqual(['']);
  });
});

describe('characterCount', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(characterCount('café ✓ 🧵')).toBe(8);
  });
});

describe('wordPicker', () => {
  it('keeps inner apostrophes and hyphens, in any script, and drops punctuation', () => {
    const pick = wordPicker({ lowercase: false, minLength: 1 });
    expect(pick("Don't stop — well-known naïve Straße, 42 times!")).toEqual([
      "Don't",
      'stop',
      'well-known',
      'naïve',
      'Straße',
      '42',
      'times',
    ]);
  });

  it('folds case, drops short words and stop words (ignoring their case)', () => {
    const pick = wordPicker({ lowercase: true, minLength: 3, stopWords: ['THE'] });
    expect(pick('The cat and the Hat in a box')).toEqual(['cat', 'and', 'hat', 'box']);
  });
});

describe('tallyWords', () => {
  it('counts each word in order of first appearance', async () => {
    const tally = await tallyWords('b a\nb\n', { lowercase: true, minLength: 1 }, quietStep());
    expect([...tally.counts]).toEqual([
      ['b', 2],
      ['a', 1],
    ]);
    expect(tally.lines).toBe(2);
  });

  it('reports progress by chunks of lines and ends at 1', async () => {
    const progress: number[] = [];
    const text = 'word\n'.repeat(12_000);
    const step = { signal: new AbortController().signal, progress: (fraction: number) => progress.push(fraction) };
    const tally = await tallyWords(text, { lowercase: true, minLength: 1 }, step);
    expect(tally.counts.get('word')).toBe(12_000);
    expect(progress).toEqual([5_000 / 12_000, 10_000 / 12_000, 1]);
  });

  it('stops with the abort reason when the step is cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(
      tallyWords('a b c', { lowercase: true, minLength: 1 }, { signal: controller.signal, progress: () => {} }),
    ).rejects.toThrow('cancelled');
  });
});
