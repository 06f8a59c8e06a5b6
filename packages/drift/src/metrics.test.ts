import { describe, expect, it } from 'vitest';
import { logGamma, regularizedUpperGamma } from './gamma.ts';
import { kolmogorovSurvival, smirnovSurvival } from './kolmogorov.ts';
import { ksTwoSample } from './ks-test.ts';
import {
  chiSquaredTest,
  jensenShannonDistance,
  normalizedWasserstein,
  populationStabilityIndex,
  psi,
  wassersteinDistance,
} from './metrics.ts';
import { sortedCopy } from './sort.ts';
import reference from './testing/scipy-reference.json' with { type: 'json' };

/**
 * Tolerances, stated once. Distances and statistics agree with scipy to 1e-12 relative (only the
 * order of floating-point sums differs: numpy sums pairwise). p-values agree to 1e-9 relative, or
 * 1e-15 absolute for those that underflow towards 0; the finite-n Kolmogorov branches that use a
 * different exact algorithm from scipy's (Durbin instead of Pomeranz) are held to 1e-9 absolute.
 */
function expectClose(actual: number, expected: number, relative: number, absolute = 0): void {
  const tolerance = Math.max(absolute, relative * Math.abs(expected));
  expect(Math.abs(actual - expected), `${actual} vs scipy ${expected}`).toBeLessThanOrEqual(tolerance);
}

describe('reference values', () => {
  it('were made by scipy 1.17', () => {
    expect(reference.scipy.startsWith('1.17')).toBe(true);
  });
});

describe('wassersteinDistance', () => {
  it.each(reference.wasserstein)('matches scipy.stats.wasserstein_distance: $name', ({ u, v, distance }) => {
    expectClose(wassersteinDistance(u, v), distance, 1e-12, 1e-15);
    expectClose(wassersteinDistance(v, u), distance, 1e-12, 1e-15);
  });

  it('is 0 between a sample and itself, whatever its order', () => {
    expect(wassersteinDistance([3, 1, 2], [2, 3, 1])).toBe(0);
  });

  it('refuses an empty sample', () => {
    expect(() => wassersteinDistance([], [1])).toThrow(RangeError);
  });
});

describe('normalizedWasserstein', () => {
  it.each(reference.normalizedWasserstein)(
    "matches Evidently's wasserstein_distance_norm: $name",
    ({ reference: ref, current, std, value }) => {
      expectClose(normalizedWasserstein(ref, current, std), value, 1e-12);
    },
  );
});

describe('ksTwoSample', () => {
  it.each(reference.ks)('matches scipy.stats.ks_2samp: $name', ({ a, b, statistic, pValue, method }) => {
    const result = ksTwoSample(a, b);
    expect(result.method).toBe(method);
    expectClose(result.statistic, statistic, 1e-12, 1e-15);
    expectClose(result.pValue, pValue, 1e-9, 1e-15);
  });

  it('is symmetric in its samples', () => {
    const [first] = reference.ks.filter((c) => c.name === 'unequal 30 45');
    if (first === undefined) throw new Error('missing case');
    expect(ksTwoSample(first.b, first.a)).toEqual(ksTwoSample(first.a, first.b));
  });
});

describe('kolmogorovSurvival', () => {
  it.each(reference.kolmogorov)('matches scipy.stats.kstwo.sf at n=$n, x=$x', ({ n, x, sf }) => {
    expectClose(kolmogorovSurvival(n, x), sf, 1e-9, 1e-9);
  });

  it.each(reference.smirnov)('smirnovSurvival matches scipy.special.smirnov at n=$n, x=$x', ({ n, x, sf }) => {
    expectClose(smirnovSurvival(n, x), sf, 1e-9, 1e-300);
  });
});

describe('chiSquaredTest', () => {
  it.each(reference.chiSquared)(
    'matches scipy.stats.chisquare: $name',
    ({ observed, expected, statistic, pValue, df }) => {
      const result = chiSquaredTest(observed, expected);
      expect(result.df).toBe(df);
      expectClose(result.statistic, statistic, 1e-12);
      expectClose(result.pValue, pValue, 1e-9, 1e-15);
    },
  );

  it('gives p = 0 for a category seen but never expected, and refuses different totals', () => {
    expect(chiSquaredTest([5, 5], [10, 0])).toMatchObject({ statistic: Number.POSITIVE_INFINITY, pValue: 0 });
    expect(() => chiSquaredTest([5, 5], [5, 6])).toThrow(/total/);
  });
});

describe('gamma functions', () => {
  it.each(reference.gammaincc)('regularizedUpperGamma matches scipy.special.gammaincc($a, $x)', ({ a, x, q }) => {
    expectClose(regularizedUpperGamma(a, x), q, 1e-11, 1e-300);
  });

  it.each(reference.logGamma)('logGamma matches math.lgamma($x)', ({ x, value }) => {
    expectClose(logGamma(x), value, 1e-14, 1e-14);
  });
});

describe('jensenShannonDistance', () => {
  it.each(reference.jensenShannon)('matches scipy.spatial.distance.jensenshannon: $name', ({ p, q, distance }) => {
    expectClose(jensenShannonDistance(p, q), distance, 1e-12);
  });
});

describe('psi', () => {
  it.each(reference.psi)('matches Evidently computed with numpy: $name', ({ expected, actual, psi: value }) => {
    expectClose(psi(expected, actual), value, 1e-12);
  });

  it.each(reference.psiProfile.cases)(
    'populationStabilityIndex over profile deciles: $name',
    ({ current, psi: value }) => {
      expectClose(populationStabilityIndex({ bins: reference.psiProfile.bins }, current), value, 1e-12);
    },
  );
});

describe('sortedCopy', () => {
  it('sorts large arrays exactly as Float64Array.sort, signed zeros and ties included', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const values = Array.from({ length: 50_000 }, (_, i) =>
      i % 5 === 0 ? Math.round(random() * 20) - 10 : i % 7 === 0 ? -0 : (random() - 0.5) * 1e6 * random(),
    );
    // A clump sharing its high 32 bits, which the radix passes leave for the tie pass.
    for (let i = 0; i < 200; i++) values.push(1e6 + random() * 1e-7);
    const sorted = sortedCopy(values);
    const expected = Float64Array.from(values).sort();
    expect(sorted.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) {
      if (!Object.is(sorted[i], expected[i])) throw new Error(`index ${i}: ${sorted[i]} vs ${expected[i]}`);
    }
  });
});
