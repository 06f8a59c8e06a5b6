/**
 * The two-sample Kolmogorov–Smirnov test, two-sided, as scipy's `ks_2samp(a, b)` computes it with
 * `method='auto'`: the exact distribution of the statistic when neither sample has more than
 * {@link KS_EXACT_MAX_N} values, else the finite-n Kolmogorov distribution at the samples' effective size.
 */
import { kolmogorovSurvival } from './kolmogorov.ts';

/** Up to this many values in the larger sample the p-value is exact (scipy's `MAX_AUTO_N`). */
export const KS_EXACT_MAX_N = 10_000;

export interface KsTestResult {
  /** The largest distance between the two empirical CDFs. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  /** `exact`: counted lattice paths; `asymptotic`: the Kolmogorov distribution at n = round(mn/(m+n)). */
  method: 'exact' | 'asymptotic';
}

/**
 * The two-sample KS test on unsorted samples (copied, then sorted).
 *
 * @throws RangeError when a sample is empty (as scipy raises)
 * @example ksTwoSample([1, 2, 3], [4, 5, 6]) // { statistic: 1, pValue: 0.1, method: 'exact' }
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsTestResult {
  return ksTwoSampleSorted(Float64Array.from(a).sort(), Float64Array.from(b).sort());
}

/** {@link ksTwoSample} on samples already sorted ascending, so a caller that sorted once pays nothing more. */
export function ksTwoSampleSorted(a: ArrayLike<number>, b: ArrayLike<number>): KsTestResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ksTwoSample needs two non-empty samples');
  const statistic = ksStatisticSorted(a, b);
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const exact = exactPValue(n1, n2, statistic);
    if (exact !== undefined) return { ...exact, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const effective = roundHalfEven((m * n) / (m + n));
  return { statistic, pValue: kolmogorovSurvival(effective, statistic), method: 'asymptotic' };
}

/**
 * `sup |F₁ − F₂|` over the values of both sorted samples, by one merge. Each CDF is evaluated after
 * every value equal to the current one, so ties between the samples count as scipy counts them.
 */
export function ksStatisticSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let above = 0;
  let below = 0;
  while (i < n1 || j < n2) {
    const x = j >= n2 || (i < n1 && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    while (i < n1 && (a[i] as number) <= x) i++;
    while (j < n2 && (b[j] as number) <= x) j++;
    const difference = i / n1 - j / n2;
    if (difference > above) above = difference;
    if (-difference > below) below = -difference;
  }
  return below > above ? Math.min(below, 1) : above;
}

/**
 * The exact two-sided p-value, or `undefined` where floating point could not hold it (then scipy, and
 * we, fall back to the asymptotic distribution). The statistic is snapped to the lattice it lives on,
 * `h / lcm(n1, n2)`, as scipy reports it.
 */
function exactPValue(n1: number, n2: number, d: number): { statistic: number; pValue: number } | undefined {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, pValue: 1 };
  const p = n1 === n2 ? outsideSquareProbability(n1, h) : outsideBandProbability(n1, n2, g, h);
  if (!(p >= 0 && p <= 1)) return undefined;
  return { statistic, pValue: p };
}

/**
 * `P(D_{n,n} ≥ h/n)` for equal sizes, from the reflection formula
 * `2 Σₖ (−1)^(k−1) C(2n, n − kh) / C(2n, n)`. Summed as nested ratios of consecutive terms
 * (`2 A₁(1 − A₂(1 − A₃(…)))`), since the plain alternating sum of binomials cancels badly.
 */
function outsideSquareProbability(n: number, h: number): number {
  let nested = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    // Aₖ₊₁ = C(2n, n − (k+1)h) / C(2n, n − kh), a product of h simple factors.
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    nested = ratio * (1 - nested);
  }
  return 2 * nested;
}

/**
 * `P(D_{m,n} ≥ h / lcm)` for unequal sizes: the share of the monotone lattice paths from (0, 0) to
 * (m, n) that touch `|i·n/g − j·m/g| ≥ h`. Rather than count paths (binomials overflow), each point
 * holds the probability that a uniformly random path to it has already left the band; a path reaches
 * (i, j) from (i−1, j) with probability i/(i+j), which gives Viehmann's (2021) stable recursion
 * `q(i, j) = (i q(i−1, j) + j q(i, j−1)) / (i + j)`, with q = 1 outside the band. Only the band's
 * window of one column is kept.
 */
function outsideBandProbability(n1: number, n2: number, g: number, h: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const mg = m / g;
  const ng = n / g;
  // Column i holds q(i, j) for j in [low, high); points below low or from high up are outside (q = 1).
  let low = 0;
  let high = Math.min(Math.ceil(h / mg), n + 1);
  let column = new Float64Array(n + 1);
  let next = new Float64Array(n + 1);
  // Column 0: inside the band a path to (0, j) has not left it.
  for (let j = 0; j < high; j++) column[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastLow = low;
    const lastHigh = high;
    low = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    high = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (high <= low) return 1;
    let below = low === 0 ? 0 : 1;
    for (let j = low; j < high; j++) {
      const left = j >= lastLow && j < lastHigh ? (column[j] as number) : 1;
      below = (left * i + below * j) / (i + j);
      next[j] = below;
    }
    [column, next] = [next, column];
  }
  return column[high - 1] as number;
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** numpy's `round`: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
