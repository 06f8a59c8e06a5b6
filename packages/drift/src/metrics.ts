/**
 * Drift metrics on raw samples and count vectors, each computed the way scipy (and, for the
 * normalisation and PSI, Evidently) computes it, so a number Loom reports can be checked against the
 * tools the field already trusts. Inputs must be finite: callers drop NULL and NaN first.
 */
import { regularizedUpperGamma } from './gamma.ts';
import { binIndex, type NumberProfile } from './profile.ts';
import { sortedCopy } from './sort.ts';

/**
 * The first Wasserstein (earth mover's) distance between two 1-D samples, `∫ |F_u − F_v| dx`
 * (scipy's `stats.wasserstein_distance(u, v)`, unweighted).
 *
 * @throws RangeError when a sample is empty
 * @example wassersteinDistance([0, 1, 3], [5, 6, 8]) // 5
 */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  return wassersteinDistanceSorted(sortedCopy(u), sortedCopy(v));
}

/**
 * {@link wassersteinDistance} on samples already sorted ascending: one merge of the two, adding
 * `|F_u − F_v|` times the gap to each next value.
 */
export function wassersteinDistanceSorted(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const n = u.length;
  const m = v.length;
  if (n === 0 || m === 0) throw new RangeError('wassersteinDistance needs two non-empty samples');
  let i = 0;
  let j = 0;
  let previous = Math.min(u[0] as number, v[0] as number);
  let total = 0;
  while (i < n || j < m) {
    let x: number;
    const fromU = j >= m || (i < n && (u[i] as number) <= (v[j] as number));
    if (fromU) x = u[i] as number;
    else x = v[j] as number;
    // i and j count the values at or below `previous`: the CDFs on [previous, x).
    total += Math.abs(i / n - j / m) * (x - previous);
    if (fromU) i++;
    else j++;
    previous = x;
  }
  return total;
}

/**
 * Below this a reference's spread counts as none (Evidently's floor), so a constant baseline column
 * still gives a finite score: any shift of it reads as `shift / 0.001`, which is drift at the default
 * threshold for shifts above 0.0001.
 */
export const WASSERSTEIN_STD_FLOOR = 0.001;

/**
 * The Wasserstein distance in units of the reference's standard deviation, as Evidently's
 * `wasserstein_distance_norm`: `W(reference, current) / max(referenceStd, 0.001)`. Pass the
 * population standard deviation of the training values (a profile's `std`), so the scale is the
 * training data's and not the reference sample's.
 *
 * @example normalizedWasserstein([0, 1, 2, 3], [1, 2, 3, 4], 1.118033988749895) // ≈ 0.894
 */
export function normalizedWasserstein(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  referenceStd: number,
): number {
  return wassersteinDistance(reference, current) / Math.max(referenceStd, WASSERSTEIN_STD_FLOOR);
}

/**
 * Population Stability Index of two distributions over the same bins,
 * `Σ (expected − actual) · ln(expected / actual)`, as Evidently computes it: an empty bin on either
 * side is given `epsilon` (1e-4), or a millionth of that side's smallest non-empty share when that
 * share is itself at most `epsilon`, so a log of zero never happens and rare bins keep their order.
 *
 * @param expectedFractions the baseline's shares per bin
 * @param actualFractions the current shares per bin, same length
 * @throws RangeError on different lengths, or a side with no mass
 * @example psi([0.5, 0.5], [0.4, 0.6]) // ≈ 0.0405
 */
export function psi(
  expectedFractions: ArrayLike<number>,
  actualFractions: ArrayLike<number>,
  epsilon: number = 1e-4,
): number {
  if (expectedFractions.length !== actualFractions.length) {
    throw new RangeError(`psi: ${expectedFractions.length} expected bins but ${actualFractions.length} actual ones`);
  }
  const expected = fillEmpty(expectedFractions, epsilon);
  const actual = fillEmpty(actualFractions, epsilon);
  let total = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    total += (e - a) * Math.log(e / a);
  }
  return total;
}

function fillEmpty(fractions: ArrayLike<number>, epsilon: number): Float64Array {
  const filled = Float64Array.from(fractions);
  let smallest = Number.POSITIVE_INFINITY;
  for (const f of filled) if (f !== 0 && f < smallest) smallest = f;
  if (smallest === Number.POSITIVE_INFINITY) throw new RangeError('psi: every bin is empty');
  const fill = smallest <= epsilon ? smallest / 1e6 : epsilon;
  for (let i = 0; i < filled.length; i++) if (filled[i] === 0) filled[i] = fill;
  return filled;
}

/**
 * The shares of `sorted` (ascending) in a profile's PSI bins: bin `i` holds `(edges[i−1], edges[i]]`.
 * On sorted values each edge is one binary search, so a million values cost ~10 look-ups per edge.
 */
export function sortedBinFractions(edges: readonly number[], sorted: ArrayLike<number>): number[] {
  const n = sorted.length;
  const fractions: number[] = [];
  let below = 0;
  for (const edge of edges) {
    const atOrBelow = upperBound(sorted, edge);
    fractions.push(n === 0 ? 0 : (atOrBelow - below) / n);
    below = atOrBelow;
  }
  fractions.push(n === 0 ? 0 : (n - below) / n);
  return fractions;
}

/**
 * PSI of current values against a profile's decile bins (its `bins`, the training data's shares).
 * The current values need not be sorted; NULL and NaN must be removed first.
 *
 * @throws RangeError when `current` is empty or the profile has no values
 */
export function populationStabilityIndex(
  profile: Pick<NumberProfile, 'bins'>,
  current: ArrayLike<number>,
  epsilon: number = 1e-4,
): number {
  const counts = new Array<number>(profile.bins.edges.length + 1).fill(0);
  for (let i = 0; i < current.length; i++) (counts[binIndex(profile.bins.edges, current[i] as number)] as number)++;
  const n = current.length;
  if (n === 0) throw new RangeError('populationStabilityIndex needs current values');
  return psi(
    profile.bins.fractions,
    counts.map((c) => c / n),
    epsilon,
  );
}

/** The number of values below `x` in ascending `sorted`. */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The number of values at or below `x` in ascending `sorted`. */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The Jensen–Shannon distance between two discrete distributions (scipy's
 * `spatial.distance.jensenshannon(p, q)`, natural log): each is normalised to sum to 1 first, so
 * counts can be passed as they are. 0 for equal distributions, at most √ln 2 ≈ 0.8326.
 *
 * @throws RangeError on different lengths
 * @example jensenShannonDistance([1, 0], [0, 1]) // 0.8325546111576977
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError(`jensenShannonDistance: lengths ${p.length} and ${q.length}`);
  let pSum = 0;
  let qSum = 0;
  for (let i = 0; i < p.length; i++) {
    pSum += p[i] as number;
    qSum += q[i] as number;
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = (p[i] as number) / pSum;
    const qi = (q[i] as number) / qSum;
    const mi = (pi + qi) / 2;
    left += relativeEntropy(pi, mi);
    right += relativeEntropy(qi, mi);
  }
  return Math.sqrt((left + right) / 2);
}

/** scipy's `rel_entr`: `x ln(x/y)`, 0 at x = 0, ∞ where y = 0 < x. */
function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

export interface ChiSquaredResult {
  /** `Σ (observed − expected)² / expected`; ∞ when a category is seen but expected never. */
  statistic: number;
  /** `P(χ²_df ≥ statistic)`; NaN when `df < 1` (one category), as scipy. */
  pValue: number;
  /** Categories − 1. */
  df: number;
}

/**
 * Pearson's chi-squared goodness-of-fit test (scipy's `stats.chisquare(observed, expected)`): the
 * p-value is the regularized upper incomplete gamma function `Q(df/2, χ²/2)`.
 *
 * @param expected same length as `observed`; like scipy, its total must equal the observed total
 *   (relative 1e-8), because otherwise the statistic measures the totals, not the shape
 * @throws RangeError on different lengths or totals
 * @example chiSquaredTest([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]) // { statistic: 3.5, pValue: 0.6233876277495822, df: 5 }
 */
export function chiSquaredTest(observed: ArrayLike<number>, expected: ArrayLike<number>): ChiSquaredResult {
  if (observed.length !== expected.length) {
    throw new RangeError(`chiSquaredTest: ${observed.length} observed but ${expected.length} expected`);
  }
  let observedTotal = 0;
  let expectedTotal = 0;
  for (let i = 0; i < observed.length; i++) {
    observedTotal += observed[i] as number;
    expectedTotal += expected[i] as number;
  }
  if (Math.abs(observedTotal - expectedTotal) > 1e-8 * Math.min(observedTotal, expectedTotal)) {
    throw new RangeError(`chiSquaredTest: observed total ${observedTotal} but expected total ${expectedTotal}`);
  }
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i] as number;
    const e = expected[i] as number;
    statistic += ((o - e) * (o - e)) / e;
  }
  const df = observed.length - 1;
  const pValue = df < 1 || Number.isNaN(statistic) ? Number.NaN : regularizedUpperGamma(df / 2, statistic / 2);
  return { statistic, pValue, df };
}
