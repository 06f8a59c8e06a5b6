/**
 * Drift of a window of current data (an endpoint's logged requests, or a table) against a model's
 * training baseline profile: per feature, the prediction, and the dataset as a whole. Everything
 * returned is plain JSON, so the server stores one report per monitor window as it is.
 */
import {
  type DriftMethod,
  type DriftOptions,
  type DriftOptionsInput,
  type FeatureDriftOverride,
  METHODS_FOR,
  type PsiLevels,
  resolveDriftOptions,
} from './drift-options.ts';
import type { CategoryFeatureDrift, DriftReport, FeatureDrift, NumberFeatureDrift, PsiLevel } from './drift-report.ts';
import { UNSEEN_EXAMPLES } from './drift-report.ts';
import { categoryHistogram, numberHistogram } from './histogram.ts';
import { ksTwoSampleSorted } from './ks-test.ts';
import {
  chiSquaredTest,
  jensenShannonDistance,
  lowerBound,
  psi,
  sortedBinFractions,
  upperBound,
  WASSERSTEIN_STD_FLOOR,
  wassersteinDistanceSorted,
} from './metrics.ts';
import type { CategoryProfile, DataProfile, FeatureProfile, NumberProfile, ProfileColumn } from './profile.ts';
import { sortNumbers } from './sort.ts';

/** What {@link featureDrift} needs of the options; {@link DriftOptions} fits. */
export type FeatureDriftOptions = Pick<DriftOptions, 'thresholds' | 'smallWindow' | 'psi' | 'histogramBins'> & {
  /** Forces a method; it must suit the feature's kind. */
  method?: DriftMethod;
  /** The name written into the result. @default '' */
  name?: string;
};

/**
 * Drift of one feature's current values against its baseline profile. Numbers: normalized
 * Wasserstein above `smallWindow` values, KS (p-value) at or below it, PSI always; categories:
 * Jensen–Shannon above, chi-squared at or below, over the baseline's top values plus "other" (any
 * current value outside the top counts as other).
 *
 * @throws RangeError when `options.method` does not suit the profile's kind
 * @example featureDrift(profile.features.age, ages, { ...DEFAULT_DRIFT_OPTIONS, name: 'age' })
 */
export function featureDrift(
  profile: FeatureProfile,
  current: ProfileColumn,
  options: FeatureDriftOptions = resolveDriftOptions(),
): NumberFeatureDrift | CategoryFeatureDrift {
  if (options.method !== undefined && !METHODS_FOR[profile.kind].includes(options.method)) {
    throw new RangeError(
      `${options.name ?? 'feature'}: ${options.method} does not apply to a ${profile.kind} feature (use ${METHODS_FOR[profile.kind].join(' or ')})`,
    );
  }
  return profile.kind === 'number'
    ? numberDrift(profile, current as ArrayLike<number | string | null>, options)
    : categoryDrift(profile, current, options);
}

function numberDrift(
  profile: NumberProfile,
  current: ArrayLike<number | string | null>,
  options: FeatureDriftOptions,
): NumberFeatureDrift {
  const rows = current.length;
  const sorted = sortNumbers(presentNumbers(current));
  const count = sorted.length;
  const method = options.method ?? (count > options.smallWindow ? 'wasserstein' : 'ks');
  const threshold = method === 'wasserstein' ? options.thresholds.wasserstein : options.thresholds.ks;
  const base = {
    kind: 'number' as const,
    name: options.name ?? '',
    rows,
    count,
    method,
    threshold,
    quality: {
      nullRate: rows === 0 ? 0 : (rows - count) / rows,
      baselineNullRate: nullRate(profile),
      outOfRangeShare:
        count === 0 || profile.count === 0
          ? 0
          : (lowerBound(sorted, profile.min) + (count - upperBound(sorted, profile.max))) / count,
    },
    histogram: numberHistogram(profile, sorted, options.histogramBins),
  };
  if (count === 0 || profile.count === 0) {
    return {
      ...base,
      score: null,
      drifted: false,
      statistic: null,
      pValue: null,
      psi: null,
      psiLevel: null,
      ksMethod: null,
    };
  }
  const psiValue = psi(profile.bins.fractions, sortedBinFractions(profile.bins.edges, sorted));
  const reference = Float64Array.from(profile.reference);
  const psiFields = { psi: psiValue, psiLevel: psiLevel(psiValue, options.psi) };
  if (method === 'wasserstein') {
    const score = wassersteinDistanceSorted(reference, sorted) / Math.max(profile.std, WASSERSTEIN_STD_FLOOR);
    return { ...base, score, drifted: score >= threshold, statistic: null, pValue: null, ...psiFields, ksMethod: null };
  }
  const ks = ksTwoSampleSorted(reference, sorted);
  return {
    ...base,
    score: ks.pValue,
    drifted: ks.pValue < threshold,
    statistic: ks.statistic,
    pValue: ks.pValue,
    ...psiFields,
    ksMethod: ks.method,
  };
}

/**
 * The finite numbers of a column: NULL, NaN and text that is not a number are missing, and so are ±∞
 * (no distance or histogram can hold them, and a report must stay valid JSON).
 */
function presentNumbers(values: ArrayLike<number | string | null>): Float64Array {
  const present = new Float64Array(values.length);
  let n = 0;
  if (values instanceof Float64Array) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (Number.isFinite(v)) present[n++] = v;
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      const raw = values[i];
      const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (Number.isFinite(v)) present[n++] = v;
    }
  }
  return n === values.length ? present : present.slice(0, n);
}

function categoryDrift(
  profile: CategoryProfile,
  current: ArrayLike<string | number | null>,
  options: FeatureDriftOptions,
): CategoryFeatureDrift {
  const rows = current.length;
  const counts = new Map<string, number>();
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const v = current[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
    const key = typeof v === 'string' ? v : String(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    count++;
  }
  // Buckets: the baseline's top values in its order, then "other".
  const index = new Map(profile.top.map((t, i) => [t.value, i]));
  const observed = new Array<number>(profile.top.length + 1).fill(0);
  const outside: Array<[string, number]> = [];
  for (const [value, n] of counts) {
    const at = index.get(value);
    if (at === undefined) outside.push([value, n]);
    observed[at ?? profile.top.length] = (observed[at ?? profile.top.length] as number) + n;
  }
  const baseline = [...profile.top.map((t) => t.count), profile.otherCount];
  const otherShare = count === 0 ? 0 : (observed[profile.top.length] as number) / count;
  const decidable = profile.otherCount === 0;
  outside.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const method = options.method ?? (count > options.smallWindow ? 'jensen_shannon' : 'chi_squared');
  const threshold = method === 'jensen_shannon' ? options.thresholds.jensenShannon : options.thresholds.chiSquared;
  const base = {
    kind: 'category' as const,
    name: options.name ?? '',
    rows,
    count,
    method,
    threshold,
    quality: {
      nullRate: rows === 0 ? 0 : (rows - count) / rows,
      baselineNullRate: nullRate(profile),
      otherShare,
      unseenShare: decidable ? otherShare : null,
      unseen: decidable ? outside.slice(0, UNSEEN_EXAMPLES).map(([value]) => value) : [],
    },
    histogram: categoryHistogram(profile, observed, count),
  };
  if (count === 0 || profile.count === 0)
    return { ...base, score: null, drifted: false, statistic: null, pValue: null };
  if (method === 'jensen_shannon') {
    const score = jensenShannonDistance(baseline, observed);
    return { ...base, score, drifted: score >= threshold, statistic: null, pValue: null };
  }
  const test = chiSquaredAgainstBaseline(baseline, observed, count, profile.count);
  return {
    ...base,
    score: test.pValue,
    drifted: test.pValue < threshold,
    statistic: Number.isFinite(test.statistic) ? test.statistic : null,
    pValue: test.pValue,
  };
}

/**
 * Chi-squared of the current counts against the baseline's shares scaled to the window. Buckets empty
 * on both sides carry no information and are dropped (scipy would return NaN for 0/0); a bucket the
 * baseline never had but the window has gives χ² = ∞ and p = 0, as scipy's. With one bucket left both
 * sides are all in it, so p = 1.
 */
function chiSquaredAgainstBaseline(
  baseline: readonly number[],
  observed: readonly number[],
  count: number,
  baselineCount: number,
): { statistic: number; pValue: number } {
  const kept: number[] = [];
  const expected: number[] = [];
  for (let i = 0; i < observed.length; i++) {
    if ((baseline[i] as number) === 0 && (observed[i] as number) === 0) continue;
    kept.push(observed[i] as number);
    expected.push(((baseline[i] as number) / baselineCount) * count);
  }
  if (kept.length < 2) return { statistic: 0, pValue: 1 };
  const result = chiSquaredTest(kept, expected);
  return { statistic: result.statistic, pValue: result.pValue };
}

function nullRate(profile: FeatureProfile): number {
  const total = profile.count + profile.nullCount;
  return total === 0 ? 0 : profile.nullCount / total;
}

function psiLevel(value: number, levels: PsiLevels): PsiLevel {
  if (value >= levels.alert) return 'alert';
  if (value >= levels.warn) return 'warn';
  return 'ok';
}

/** The options one feature sees: the monitor's, with that feature's override laid over them. */
function optionsFor(
  options: DriftOptions,
  override: FeatureDriftOverride | undefined,
  name: string,
): FeatureDriftOptions {
  return {
    thresholds: { ...options.thresholds, ...override?.thresholds },
    smallWindow: options.smallWindow,
    psi: { ...options.psi, ...override?.psi },
    histogramBins: options.histogramBins,
    name,
    ...(override?.method === undefined ? {} : { method: override.method }),
  };
}

/**
 * Drift of a window against a model's baseline: every feature of the profile (a feature with no
 * column is reported as missing), the prediction when both sides have one, and whether the dataset
 * drifts (at least `datasetShare` of the measured features drift). A window without rows, or without
 * a single present value, is `no_data`: it says nothing about drift, and is never reported as none.
 *
 * @param current the window's columns by feature name (columns the profile lacks are ignored)
 * @param predictions the model's outputs for the same rows (labels or values)
 * @example
 * const report = datasetDrift(profile, { age: ages, colour: colours }, predictions, { datasetShare: 0.3 });
 * if (report.status === 'drift') raise(report.driftedShare);
 */
export function datasetDrift(
  profile: DataProfile,
  current: Readonly<Record<string, ProfileColumn | undefined>>,
  predictions?: ProfileColumn,
  options: DriftOptionsInput | DriftOptions = {},
): DriftReport {
  const resolved = resolveDriftOptions(options);
  let rows = predictions?.length ?? 0;
  for (const name of Object.keys(profile.features)) rows = Math.max(rows, current[name]?.length ?? 0);
  if (rows === 0)
    return { status: 'no_data', rows: 0, reason: 'the window has no rows', features: [], prediction: null };

  const features: FeatureDrift[] = [];
  for (const [name, feature] of Object.entries(profile.features)) {
    const column = current[name];
    if (column === undefined) {
      features.push({
        kind: 'missing',
        name,
        baselineKind: feature.kind,
        drifted: false,
        reason: `the current data has no column "${name}"`,
      });
      continue;
    }
    features.push(featureDrift(feature, column, optionsFor(resolved, resolved.features[name], name)));
  }
  const prediction =
    predictions !== undefined && profile.predictions !== undefined
      ? featureDrift(profile.predictions, predictions, optionsFor(resolved, resolved.prediction, 'prediction'))
      : null;
  const measured = features.filter((f) => f.kind !== 'missing' && f.score !== null);
  if (measured.length === 0) {
    return { status: 'no_data', rows, reason: 'no feature has a value in the window', features, prediction };
  }
  const driftedCount = measured.filter((f) => f.drifted).length;
  const driftedShare = driftedCount / measured.length;
  const drifts = driftedShare >= resolved.datasetShare;
  return {
    status: drifts ? 'drift' : 'ok',
    rows,
    features,
    measuredCount: measured.length,
    driftedCount,
    driftedShare,
    datasetDrift: drifts,
    prediction,
  };
}
