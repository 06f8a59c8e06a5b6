// What every node of this plugin counts by. Both versions of text.word_count use it, so a change here
// changes what 1.0.0 computes too: that calls for new versions (or a frozen copy for the old one).
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Which words are counted, and as what. */
export interface WordFilter {
  /** Fold words to lower case, so that "The" and "the" are one word. */
  lowercase: boolean;
  /** Words shorter than this many characters are left out. */
  minLength: number;
  /** Words left out whatever their length, matched ignoring case. @default [] */
  stopWords?: readonly string[];
}

/** What a long count reports to, and is stopped by: the parts of a node's `ctx` it uses. */
export interface CountingStep {
  signal: AbortSignal;
  progress(fraction: number, message?: string): void;
}

export interface WordTally {
  /** Each kept word and how often it occurs, in order of first appearance. */
  counts: Map<string, number>;
  lines: number;
}

// Letters and digits in any script, joined by single inner apostrophes or hyphens ("don't", "well-known").
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/** Lines counted per chunk: between chunks the count yields, so progress is sent and a cancel lands. */
const LINES_PER_CHUNK = 5_000;

/** A text's lines; a final line break does not start another line, and an empty text has none. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Characters as a reader counts them: Unicode code points, so "é" and "✓" are one each. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Picks out the words of a line that `filter` keeps, in order. */
export function wordPicker(filter: WordFilter): (line: string) => string[] {
  const stopWords = new Set(filter.stopWords?.map((word) => word.toLowerCase()));
  return (line) => {
    const words: string[] = [];
    for (const [match] of line.matchAll(WORD)) {
      const word = filter.lowercase ? match.toLowerCase() : match;
      if (characterCount(word) >= filter.minLength && !stopWords.has(word.toLowerCase())) words.push(word);
    }
    return words;
  };
}

/**
 * Counts the words of `text` that `filter` keeps, a chunk of lines at a time, reporting progress after
 * each chunk and stopping with the step's abort reason when it is cancelled.
 */
export async function tallyWords(text: string, filter: WordFilter, step: CountingStep): Promise<WordTally> {
  const lines = splitLines(text);
  const counts = new Map<string, number>();
  const pickWords = wordPicker(filter);
  for (let start = 0; start < lines.length; start += LINES_PER_CHUNK) {
    step.signal.throwIfAborted();
    const end = Math.min(start + LINES_PER_CHUNK, lines.length);
    for (const line of lines.slice(start, end)) {
      for (const word of pickWords(line)) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    step.progress(end / lines.length, `counted ${end} of ${lines.length} lines`);
    if (end < lines.length) await nextTurn();
  }
  return { counts, lines: lines.length };
}

/** What both versions of `text.word_count` output (a type, not an interface, so that it is a `Metrics`). */
export type WordMetrics = { words: number; unique_words: number; lines: number; characters: number };

export function wordMetrics(text: string, tally: WordTally): WordMetrics {
  let words = 0;
  for (const count of tally.counts.values()) words += count;
  return { words, unique_words: tally.counts.size, lines: tally.lines, characters: characterCount(text) };
}
