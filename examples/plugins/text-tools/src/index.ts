import { topWords } from './top-words.ts';
import { wordCount } from './word-count.ts';
import { wordCountV1 } from './word-count-v1.ts';

export { topWords, wordCount, wordCountV1 };

/** The plugin entry's export: every node this package provides, exactly those its package.json lists under `loom.nodes`. */
export const nodes = [wordCountV1, wordCount, topWords];
