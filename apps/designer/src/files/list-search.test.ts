import { describe, expect, it } from 'vitest';
import { matchesSearch } from './list-search.ts';

describe('matchesSearch', () => {
  it('matches every word typed, in any field and order, ignoring case', () => {
    expect(matchesSearch('IRIS', 'iris-classification')).toBe(true);
    expect(matchesSearch('failed iris', 'iris-classification', 'r-123', 'failed')).toBe(true);
    expect(matchesSearch('iris succeeded', 'iris-classification', 'r-123', 'failed')).toBe(false);
    expect(matchesSearch('r-12', 'x', 'r-123')).toBe(true);
  });

  it('matches everything when nothing is typed', () => {
    expect(matchesSearch('', 'anything')).toBe(true);
    expect(matchesSearch('   ', 'anything')).toBe(true);
  });
});
