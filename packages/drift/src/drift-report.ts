/**
 * What drift of a window reports: per feature, for the prediction, and for the dataset. Plain JSON
 * (no NaN, no ∞), so the server stores one report per monitor window as it is.
 */
import type { DriftMethod } from './drift-options.ts';
import type { DriftHistogram } from './histogram.ts';
import type { FeatureProfile } from './profile.ts';

export type PsiLevel = 'ok' | 'warn' | 'alert';

/** How many unseen category values a report lists. */
export const UNSEEN_EXAMPLES = 10;

interface MeasuredDrift {
  /** The feature's name ("prediction" for the prediction). */
  name: string;
  /** Rows in the window, NULLs included. */
  rows: number;
  /** Values present (not NULL or NaN): the sample the method sees. */
  count: number;
  method: DriftMethod;
  /**
   * The distance (Wasserstein, normalised; Jensen–Shannon) or the test's p-value (KS, chi-squared);
   * `null` when the window has no value of this feature, or the baseline had none.
   */
  score: number | null;
  /** A distance drifts at or above it; a p-value drifts below it. */
  threshold: number;
  drifted: boolean;
  /** The test's statistic (KS D, chi-squared); `null` for distances and for a chi-squared of ∞. */
  statistic: number | null;
  /** The test's p-value; `null` for distances. */
  pValue: number | null;
}

export interface NumberFeatureDrift extends MeasuredDrift {
  kind: 'number';
  /** PSI over the baseline's decile bins, reported beside the main score; `null` without values. */
  psi: number | null;
  psiLevel: PsiLevel | null;
  /** How KS reached its p-value, when KS was the method. */
  ksMethod: 'exact' | 'asymptotic' | null;
  quality: {
    /** NULL share in the window (0 when it has no rows). */
    nullRate: number;
    baselineNullRate: number;
    /** Share of the present values outside the training range [min, max]. */
    outOfRangeShare: number;
  };
  histogram: DriftHistogram;
}

export interface CategoryFeatureDrift extends MeasuredDrift {
  kind: 'category';
  quality: {
    nullRate: number;
    baselineNullRate: number;
    /** Share of the present values that fall outside the baseline's top values ("other"). */
    otherShare: number;
    /**
     * Share of the present values never seen in training. Only decidable when the baseline kept every
     * value it saw (its `otherCount` is 0); otherwise `null`, since an "other" value may have been seen.
     */
    unseenShare: number | null;
    /** Up to {@link UNSEEN_EXAMPLES} unseen values, most frequent first (empty when undecidable). */
    unseen: string[];
  };
  histogram: DriftHistogram;
}

/** A feature of the baseline with no column in the current data: reported, never measured. */
export interface MissingFeatureDrift {
  kind: 'missing';
  name: string;
  /** The kind the baseline knows the feature as. */
  baselineKind: FeatureProfile['kind'];
  drifted: false;
  reason: string;
}

export type FeatureDrift = NumberFeatureDrift | CategoryFeatureDrift | MissingFeatureDrift;

/** A window with nothing to measure: no rows, or no feature with a value. Never read as "no drift". */
export interface NoDataReport {
  status: 'no_data';
  rows: number;
  reason: string;
  features: FeatureDrift[];
  prediction: FeatureDrift | null;
}

export interface MeasuredReport {
  /** `drift` when the dataset drifts (see `datasetDrift`). */
  status: 'ok' | 'drift';
  rows: number;
  features: FeatureDrift[];
  /** Features measured: neither missing nor without values; the share's denominator. */
  measuredCount: number;
  driftedCount: number;
  driftedShare: number;
  /** `driftedShare ≥ options.datasetShare`. The prediction is reported apart and does not count. */
  datasetDrift: boolean;
  prediction: FeatureDrift | null;
}

export type DriftReport = NoDataReport | MeasuredReport;
