/**
 * A training baseline: a compact profile of the features a model was trained on (its raw inputs, as
 * the endpoint receives them) and of its predictions on the training rows. It travels in the model
 * file, the ONNX metadata and the registry version, and drift is measured against it, so a monitor
 * never needs the training table again.
 */

/** How many points of a numeric column's distribution the baseline keeps (its reference sample). */
export const REFERENCE_POINTS = 1000;
/** PSI compares the share of values in the baseline's deciles. */
export const PSI_BINS = 10;
/** Category profiles keep the most frequent values; the rest count together as "other". */
export const TOP_CATEGORIES = 50;

export interface NumberProfile {
  kind: 'number';
  /** Values present (neither NULL nor NaN). */
  count: number;
  nullCount: number;
  /** `mean`, `std`, `min` and `max` are 0 when `count` is 0 (JSON has no NaN). */
  mean: number;
  /** Population standard deviation (ddof 0, as numpy's default). */
  std: number;
  min: number;
  max: number;
  /**
   * The reference sample, ascending: every value when there are at most {@link REFERENCE_POINTS},
   * else the values at probabilities `(i + 0.5) / REFERENCE_POINTS` (inverted CDF). Wasserstein and
   * KS compare the current values with these points.
   */
  reference: number[];
  /**
   * PSI bins: `edges` are the distinct deciles of the training values; bin `i` holds values in
   * `(edges[i-1], edges[i]]` (the first from −∞, the last to +∞), and `fractions[i]` is its share of the
   * training values. `fractions.length === edges.length + 1`.
   */
  bins: { edges: number[]; fractions: number[] };
}

export interface CategoryProfile {
  kind: 'category';
  count: number;
  nullCount: number;
  /** The most frequent values, most frequent first (ties by value), as text. */
  top: Array<{ value: string; count: number }>;
  /** Values beyond the top ones, together. */
  otherCount: number;
  /** How many distinct values {@link otherCount} covers. */
  otherDistinct: number;
}

export type FeatureProfile = NumberProfile | CategoryProfile;

export interface DataProfile {
  format: 'loom.profile';
  version: 1;
  /** Training rows profiled. */
  rows: number;
  /** One profile per raw input column of the model, by name. */
  features: Record<string, FeatureProfile>;
  /** The model's predictions on the training rows: labels (a category profile) or values (numbers). */
  predictions?: FeatureProfile;
}

/** A column as the profiler takes it: numbers (NULL as `null` or NaN) or text. */
export type ProfileColumn = ArrayLike<number | null> | ArrayLike<string | number | null>;

/**
 * The present values of a numeric column, sorted ascending (NULL and NaN left out).
 * @returns the values and how many were missing
 */
export function sortedPresent(values: ArrayLike<number | null>): { sorted: Float64Array; nullCount: number } {
  const sorted = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && !Number.isNaN(v)) sorted[n++] = v;
  }
  const present = sorted.subarray(0, n);
  present.sort();
  return { sorted: present, nullCount: values.length - n };
}

/**
 * The value at probability `p` of an ascending sample, by the inverted CDF: the smallest value whose
 * share of values at or below it reaches `p` (numpy's `method='inverted_cdf'`).
 */
export function invertedCdf(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const index = Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
  return sorted[index] as number;
}

/** The index of the PSI bin a value falls in: the first edge at or above it, or the last bin. */
export function binIndex(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Shares of `sorted` (ascending) in each bin of `edges`. */
export function binFractions(edges: readonly number[], sorted: ArrayLike<number>): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < sorted.length; i++) (counts[binIndex(edges, sorted[i] as number)] as number)++;
  const n = sorted.length;
  return counts.map((c) => (n === 0 ? 0 : c / n));
}

/** Profiles a numeric column. An all-missing column has `count` 0, statistics 0 and no points. */
export function profileNumbers(values: ArrayLike<number | null>): NumberProfile {
  const { sorted, nullCount } = sortedPresent(values);
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i] as number;
  const mean = n === 0 ? 0 : sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((sorted[i] as number) - mean) ** 2;
  const reference: number[] = [];
  if (n <= REFERENCE_POINTS) {
    for (let i = 0; i < n; i++) reference.push(sorted[i] as number);
  } else {
    for (let i = 0; i < REFERENCE_POINTS; i++) reference.push(invertedCdf(sorted, (i + 0.5) / REFERENCE_POINTS));
  }
  const edges: number[] = [];
  if (n > 0) {
    for (let d = 1; d < PSI_BINS; d++) {
      const edge = invertedCdf(sorted, d / PSI_BINS);
      if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
    }
  }
  return {
    kind: 'number',
    count: n,
    nullCount,
    mean,
    std: n === 0 ? 0 : Math.sqrt(squares / n),
    min: n === 0 ? 0 : (sorted[0] as number),
    max: n === 0 ? 0 : (sorted[n - 1] as number),
    reference,
    bins: { edges, fractions: binFractions(edges, sorted) },
  };
}

/** Profiles a text (or label) column; numbers count by their text, so `1` and `"1"` are one value. */
export function profileCategories(
  values: ArrayLike<string | number | null>,
  topCategories: number = TOP_CATEGORIES,
): CategoryProfile {
  const counts = new Map<string, number>();
  let nullCount = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      nullCount++;
      continue;
    }
    const key = String(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const top = ranked.slice(0, topCategories).map(([value, count]) => ({ value, count }));
  const rest = ranked.slice(topCategories);
  return {
    kind: 'category',
    count: values.length - nullCount,
    nullCount,
    top,
    otherCount: rest.reduce((sum, [, count]) => sum + count, 0),
    otherDistinct: rest.length,
  };
}

/** Profiles a column by its values: text anywhere makes it a category column. */
export function profileColumn(values: ProfileColumn): FeatureProfile {
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] === 'string') return profileCategories(values as ArrayLike<string | number | null>);
  }
  return profileNumbers(values as ArrayLike<number | null>);
}

/**
 * Profiles a training table's raw input columns and, when given, the model's predictions on the same
 * rows (labels profile as categories, values as numbers).
 */
export function profileData(
  columns: Readonly<Record<string, ProfileColumn>>,
  predictions?: ProfileColumn,
): DataProfile {
  const features: Record<string, FeatureProfile> = {};
  let rows = 0;
  for (const [name, values] of Object.entries(columns)) {
    features[name] = profileColumn(values);
    rows = Math.max(rows, values.length);
  }
  return {
    format: 'loom.profile',
    version: 1,
    rows,
    features,
    ...(predictions === undefined ? {} : { predictions: profileColumn(predictions) }),
  };
}

/** Reads a profile back from JSON (a model file, ONNX metadata, the registry), or `undefined` when it is not one. */
export function parseProfile(value: unknown): DataProfile | undefined {
  const parsed = typeof value === 'string' ? safeJson(value) : value;
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const candidate = parsed as Partial<DataProfile>;
  if (candidate.format !== 'loom.profile' || candidate.version !== 1) return undefined;
  if (typeof candidate.features !== 'object' || candidate.features === null) return undefined;
  return candidate as DataProfile;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
