/**
 * The histograms a drift report draws, baseline and current side by side over the same bins, so the
 * chart needs nothing but the report.
 */
import { lowerBound } from './metrics.ts';
import type { CategoryProfile, NumberProfile } from './profile.ts';

export type DriftHistogram =
  | {
      kind: 'number';
      /** `bins + 1` ascending edges; bin i is `[edges[i], edges[i+1])`, the last one closed (as numpy's). */
      edges: number[];
      /** Shares of the baseline's reference points per bin. */
      baseline: number[];
      /** Shares of the window's present values per bin. */
      current: number[];
    }
  | {
      kind: 'category';
      /** The baseline's top values, then `null` for every other value. */
      categories: Array<string | null>;
      baseline: number[];
      current: number[];
    };

/**
 * Equal-width bins over the union of the training range and the window's range, so shifted values
 * show where they went. The baseline side comes from the profile's reference points (quantiles of the
 * training values), which is as fine as a histogram of ≤ 50 bins can show.
 */
export function numberHistogram(profile: NumberProfile, sorted: Float64Array, bins: number): DriftHistogram {
  const n = sorted.length;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  if (profile.count > 0) {
    lo = profile.min;
    hi = profile.max;
  }
  if (n > 0) {
    lo = Math.min(lo, sorted[0] as number);
    hi = Math.max(hi, sorted[n - 1] as number);
  }
  if (lo > hi) return { kind: 'number', edges: [], baseline: [], current: [] };
  const edges: number[] = [];
  if (lo === hi) {
    // numpy widens an empty range the same way.
    edges.push(lo - 0.5, hi + 0.5);
  } else {
    for (let i = 0; i < bins; i++) edges.push(lo + ((hi - lo) * i) / bins);
    edges.push(hi);
  }
  return {
    kind: 'number',
    edges,
    baseline: binShares(edges, profile.reference),
    current: binShares(edges, sorted),
  };
}

function binShares(edges: readonly number[], sorted: ArrayLike<number>): number[] {
  const n = sorted.length;
  const shares: number[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const from = lowerBound(sorted, edges[i] as number);
    const to = i + 2 === edges.length ? n : lowerBound(sorted, edges[i + 1] as number);
    shares.push(n === 0 ? 0 : (to - from) / n);
  }
  return shares;
}

/** The baseline's top values and "other" against the window's counts in the same buckets. */
export function categoryHistogram(
  profile: CategoryProfile,
  observed: readonly number[],
  count: number,
): DriftHistogram {
  return {
    kind: 'category',
    categories: [...profile.top.map((t) => t.value), null],
    baseline: [...profile.top.map((t) => t.count), profile.otherCount].map((c) =>
      profile.count === 0 ? 0 : c / profile.count,
    ),
    current: observed.map((c) => (count === 0 ? 0 : c / count)),
  };
}
