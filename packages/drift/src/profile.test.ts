import { describe, expect, it } from 'vitest';
import { binIndex, parseProfile, profileCategories, profileData, profileNumbers, REFERENCE_POINTS } from './profile.ts';

describe('profileNumbers', () => {
  it('keeps every value of a small column and numpy-like statistics', () => {
    const profile = profileNumbers([3, 1, null, 2, Number.NaN, 4]);
    expect(profile).toMatchObject({ kind: 'number', count: 4, nullCount: 2, mean: 2.5, min: 1, max: 4 });
    // numpy.std([1, 2, 3, 4]) (ddof 0)
    expect(profile.std).toBeCloseTo(1.118033988749895, 12);
    expect(profile.reference).toEqual([1, 2, 3, 4]);
  });

  it('keeps the inverted-CDF quantiles of a large column and decile bins that hold a tenth each', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i);
    const profile = profileNumbers(values);
    expect(profile.reference).toHaveLength(REFERENCE_POINTS);
    // numpy.quantile(range(10000), 0.0005, method='inverted_cdf') == 4
    expect(profile.reference[0]).toBe(4);
    expect(profile.reference.at(-1)).toBe(9994);
    expect(profile.bins.edges).toEqual([999, 1999, 2999, 3999, 4999, 5999, 6999, 7999, 8999]);
    for (const fraction of profile.bins.fractions) expect(fraction).toBeCloseTo(0.1, 12);
  });

  it('merges deciles that tie, so a column of few values has fewer bins', () => {
    const profile = profileNumbers([...Array(80).fill(0), ...Array(20).fill(1)]);
    expect(profile.bins.edges).toEqual([0, 1]);
    expect(profile.bins.fractions).toEqual([0.8, 0.2, 0]);
  });

  it('profiles an all-missing column without NaN, so it survives JSON', () => {
    const profile = profileNumbers([null, Number.NaN]);
    expect(profile).toMatchObject({ count: 0, nullCount: 2, mean: 0, std: 0, reference: [], bins: { edges: [] } });
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
  });
});

describe('binIndex', () => {
  it('puts a value equal to an edge in the bin that edge closes', () => {
    expect([0, 1, 1.5, 2, 3].map((v) => binIndex([1, 2], v))).toEqual([0, 0, 1, 1, 2]);
  });
});

describe('profileCategories', () => {
  it('ranks by count then value and folds the rest into other', () => {
    const profile = profileCategories(['b', 'a', 'b', 'c', null, 'd', 'a', 'b'], 2);
    expect(profile).toEqual({
      kind: 'category',
      count: 7,
      nullCount: 1,
      top: [
        { value: 'b', count: 3 },
        { value: 'a', count: 2 },
      ],
      otherCount: 2,
      otherDistinct: 2,
    });
  });
});

describe('profileData', () => {
  it('profiles text columns as categories, numbers as numbers, and the predictions', () => {
    const profile = profileData({ x: [1, 2, 3], colour: ['red', 'blue', 'red'] }, ['yes', 'no', 'yes']);
    expect(profile.rows).toBe(3);
    expect(profile.features.x?.kind).toBe('number');
    expect(profile.features.colour?.kind).toBe('category');
    expect(profile.predictions?.kind).toBe('category');
    expect(parseProfile(JSON.stringify(profile))).toEqual(profile);
    expect(parseProfile('{"format":"other"}')).toBeUndefined();
    expect(parseProfile('not json')).toBeUndefined();
  });
});
