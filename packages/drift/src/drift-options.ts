/**
 * What a monitor may tune about drift, the defaults the field uses (Evidently's), and the validator
 * the server runs on a monitor definition before it stores one.
 */
import type { FeatureProfile } from './profile.ts';

/** How a feature's drift is scored: a distance on large windows, a test's p-value on small ones. */
export type DriftMethod = 'wasserstein' | 'ks' | 'jensen_shannon' | 'chi_squared';

export const DRIFT_METHODS: readonly DriftMethod[] = ['wasserstein', 'ks', 'jensen_shannon', 'chi_squared'];

/** Which methods apply to which kind of feature. */
export const METHODS_FOR: Readonly<Record<FeatureProfile['kind'], readonly DriftMethod[]>> = {
  number: ['wasserstein', 'ks'],
  category: ['jensen_shannon', 'chi_squared'],
};

export interface DriftThresholds {
  /** A number feature drifts when its normalized Wasserstein distance is at or above this. @default 0.1 */
  wasserstein: number;
  /** A category feature drifts when its Jensen–Shannon distance is at or above this. @default 0.1 */
  jensenShannon: number;
  /** A number feature drifts when the KS test's p-value is below this. @default 0.05 */
  ks: number;
  /** A category feature drifts when the chi-squared test's p-value is below this. @default 0.05 */
  chiSquared: number;
}

export interface PsiLevels {
  /** PSI at or above this is `warn`. @default 0.1 */
  warn: number;
  /** PSI at or above this is `alert`. @default 0.25 */
  alert: number;
}

/** What one feature (or the prediction) may change. */
export interface FeatureDriftOverride {
  /** Use this method whatever the window's size; it must suit the feature's kind. */
  method?: DriftMethod;
  thresholds?: Partial<DriftThresholds>;
  psi?: Partial<PsiLevels>;
}

export interface DriftOptions {
  thresholds: DriftThresholds;
  /**
   * A feature with at most this many values in the window is tested (KS, chi-squared); above it,
   * distances are used (Wasserstein, Jensen–Shannon), since on large samples every test rejects.
   * @default 1000
   */
  smallWindow: number;
  psi: PsiLevels;
  /** The dataset drifts when at least this share of the measured features drift. @default 0.5 */
  datasetShare: number;
  /** Equal-width bins of a number feature's histogram in the drift report. @default 20 */
  histogramBins: number;
  /** Per-feature changes, by feature name. @default {} */
  features: Record<string, FeatureDriftOverride>;
  /** Changes for the prediction's drift. @default {} */
  prediction: FeatureDriftOverride;
}

/** The defaults, as Evidently uses them. */
export const DEFAULT_DRIFT_OPTIONS: Readonly<DriftOptions> = Object.freeze({
  thresholds: Object.freeze({ wasserstein: 0.1, jensenShannon: 0.1, ks: 0.05, chiSquared: 0.05 }),
  smallWindow: 1000,
  psi: Object.freeze({ warn: 0.1, alert: 0.25 }),
  datasetShare: 0.5,
  histogramBins: 20,
  features: Object.freeze({}),
  prediction: Object.freeze({}),
});

/** Options as a monitor stores them: every field optional, the rest from {@link DEFAULT_DRIFT_OPTIONS}. */
export interface DriftOptionsInput {
  thresholds?: Partial<DriftThresholds>;
  smallWindow?: number;
  psi?: Partial<PsiLevels>;
  datasetShare?: number;
  histogramBins?: number;
  features?: Record<string, FeatureDriftOverride>;
  prediction?: FeatureDriftOverride;
}

/** One thing wrong with a monitor's options: `path` names the field, e.g. `thresholds.ks`. */
export interface DriftOptionsError {
  path: string;
  message: string;
}

export type ParsedDriftOptions = { ok: true; options: DriftOptions } | { ok: false; errors: DriftOptionsError[] };

/** Fills what `input` leaves out from the defaults; `input` must be valid (see {@link parseDriftOptions}). */
export function resolveDriftOptions(input: DriftOptionsInput = {}): DriftOptions {
  return {
    thresholds: { ...DEFAULT_DRIFT_OPTIONS.thresholds, ...input.thresholds },
    smallWindow: input.smallWindow ?? DEFAULT_DRIFT_OPTIONS.smallWindow,
    psi: { ...DEFAULT_DRIFT_OPTIONS.psi, ...input.psi },
    datasetShare: input.datasetShare ?? DEFAULT_DRIFT_OPTIONS.datasetShare,
    histogramBins: input.histogramBins ?? DEFAULT_DRIFT_OPTIONS.histogramBins,
    features: { ...input.features },
    prediction: { ...input.prediction },
  };
}

const THRESHOLD_KEYS: ReadonlyArray<keyof DriftThresholds> = ['wasserstein', 'jensenShannon', 'ks', 'chiSquared'];
const P_VALUE_KEYS: ReadonlySet<string> = new Set(['ks', 'chiSquared']);

/**
 * Checks a monitor's drift options (parsed JSON) and fills in the defaults. Every error names its
 * field, so the server can answer 400 with it. With `profile`, per-feature overrides are also checked
 * against the model's features: a name it lacks, or a method that does not suit the feature's kind.
 *
 * @example
 * parseDriftOptions({ thresholds: { ks: 2 } })
 * // { ok: false, errors: [{ path: 'thresholds.ks', message: 'must be a p-value in (0, 1), got 2' }] }
 */
export function parseDriftOptions(
  value: unknown,
  profile?: { features: Record<string, FeatureProfile>; predictions?: FeatureProfile },
): ParsedDriftOptions {
  const errors: DriftOptionsError[] = [];
  const input = value ?? {};
  if (!isRecord(input)) return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
  unknownKeys(
    input,
    ['thresholds', 'smallWindow', 'psi', 'datasetShare', 'histogramBins', 'features', 'prediction'],
    '',
    errors,
  );
  checkThresholds(input.thresholds, 'thresholds', errors);
  if (input.smallWindow !== undefined && !(Number.isInteger(input.smallWindow) && (input.smallWindow as number) >= 0)) {
    errors.push({ path: 'smallWindow', message: `must be a whole number of rows ≥ 0, got ${show(input.smallWindow)}` });
  }
  checkPsi(input.psi, 'psi', errors);
  if (input.datasetShare !== undefined && !isNumber(input.datasetShare, (v) => v > 0 && v <= 1)) {
    errors.push({ path: 'datasetShare', message: `must be a share in (0, 1], got ${show(input.datasetShare)}` });
  }
  if (input.histogramBins !== undefined && !(Number.isInteger(input.histogramBins) && isInRange(input.histogramBins))) {
    errors.push({
      path: 'histogramBins',
      message: `must be a whole number from 1 to 1000, got ${show(input.histogramBins)}`,
    });
  }
  if (input.features !== undefined) {
    if (!isRecord(input.features)) {
      errors.push({ path: 'features', message: 'must be an object of overrides by feature name' });
    } else {
      for (const [name, override] of Object.entries(input.features)) {
        const kind = profile?.features[name]?.kind;
        if (profile !== undefined && kind === undefined) {
          errors.push({ path: `features.${name}`, message: `the model has no feature "${name}"` });
        }
        checkOverride(override, `features.${name}`, kind, errors);
      }
    }
  }
  if (input.prediction !== undefined) checkOverride(input.prediction, 'prediction', profile?.predictions?.kind, errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, options: resolveDriftOptions(input as DriftOptionsInput) };
}

function checkOverride(
  value: unknown,
  path: string,
  kind: FeatureProfile['kind'] | undefined,
  errors: DriftOptionsError[],
): void {
  if (!isRecord(value)) {
    errors.push({ path, message: 'must be an object with method, thresholds and/or psi' });
    return;
  }
  unknownKeys(value, ['method', 'thresholds', 'psi'], path, errors);
  if (value.method !== undefined) {
    if (!DRIFT_METHODS.includes(value.method as DriftMethod)) {
      errors.push({
        path: `${path}.method`,
        message: `must be one of ${DRIFT_METHODS.join(', ')}, got ${show(value.method)}`,
      });
    } else if (kind !== undefined && !METHODS_FOR[kind].includes(value.method as DriftMethod)) {
      errors.push({
        path: `${path}.method`,
        message: `${value.method} does not apply to a ${kind} feature (use ${METHODS_FOR[kind].join(' or ')})`,
      });
    }
  }
  checkThresholds(value.thresholds, `${path}.thresholds`, errors);
  checkPsi(value.psi, `${path}.psi`, errors);
}

function checkThresholds(value: unknown, path: string, errors: DriftOptionsError[]): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    errors.push({ path, message: `must be an object with ${THRESHOLD_KEYS.join(', ')}` });
    return;
  }
  unknownKeys(value, THRESHOLD_KEYS, path, errors);
  for (const key of THRESHOLD_KEYS) {
    const threshold = value[key];
    if (threshold === undefined) continue;
    if (P_VALUE_KEYS.has(key)) {
      if (!isNumber(threshold, (v) => v > 0 && v < 1)) {
        errors.push({ path: `${path}.${key}`, message: `must be a p-value in (0, 1), got ${show(threshold)}` });
      }
    } else if (!isNumber(threshold, (v) => v > 0)) {
      errors.push({ path: `${path}.${key}`, message: `must be a distance > 0, got ${show(threshold)}` });
    }
  }
}

function checkPsi(value: unknown, path: string, errors: DriftOptionsError[]): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    errors.push({ path, message: 'must be an object with warn and alert' });
    return;
  }
  unknownKeys(value, ['warn', 'alert'], path, errors);
  for (const key of ['warn', 'alert'] as const) {
    if (value[key] !== undefined && !isNumber(value[key], (v) => v > 0)) {
      errors.push({ path: `${path}.${key}`, message: `must be a PSI > 0, got ${show(value[key])}` });
    }
  }
  if (isNumber(value.warn, () => true) && isNumber(value.alert, () => true) && value.alert < value.warn) {
    errors.push({ path: `${path}.alert`, message: `must be at least warn (${value.warn}), got ${value.alert}` });
  }
}

function unknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  path: string,
  errors: DriftOptionsError[],
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      errors.push({
        path: path === '' ? key : `${path}.${key}`,
        message: `unknown option (known: ${known.join(', ')})`,
      });
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown, accept: (v: number) => boolean): value is number {
  return typeof value === 'number' && Number.isFinite(value) && accept(value);
}

function isInRange(value: unknown): boolean {
  return typeof value === 'number' && value >= 1 && value <= 1000;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
