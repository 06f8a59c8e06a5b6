export { datasetDrift, type FeatureDriftOptions, featureDrift } from './drift.ts';
export {
  DEFAULT_DRIFT_OPTIONS,
  DRIFT_METHODS,
  type DriftMethod,
  type DriftOptions,
  type DriftOptionsError,
  type DriftOptionsInput,
  type DriftThresholds,
  type FeatureDriftOverride,
  METHODS_FOR,
  type ParsedDriftOptions,
  type PsiLevels,
  parseDriftOptions,
  resolveDriftOptions,
} from './drift-options.ts';
export {
  type CategoryFeatureDrift,
  type DriftReport,
  type FeatureDrift,
  type MeasuredReport,
  type MissingFeatureDrift,
  type NoDataReport,
  type NumberFeatureDrift,
  type PsiLevel,
  UNSEEN_EXAMPLES,
} from './drift-report.ts';
export { logGamma, regularizedUpperGamma } from './gamma.ts';
export { categoryHistogram, type DriftHistogram, numberHistogram } from './histogram.ts';
export { durbinCdf, kolmogorovSurvival, pelzGoodCdf, smirnovSurvival } from './kolmogorov.ts';
export { KS_EXACT_MAX_N, type KsTestResult, ksStatisticSorted, ksTwoSample, ksTwoSampleSorted } from './ks-test.ts';
export {
  type ChiSquaredResult,
  chiSquaredTest,
  jensenShannonDistance,
  lowerBound,
  normalizedWasserstein,
  populationStabilityIndex,
  psi,
  sortedBinFractions,
  upperBound,
  WASSERSTEIN_STD_FLOOR,
  wassersteinDistance,
  wassersteinDistanceSorted,
} from './metrics.ts';
export {
  binFractions,
  binIndex,
  type CategoryProfile,
  type DataProfile,
  type FeatureProfile,
  invertedCdf,
  type NumberProfile,
  type ProfileColumn,
  PSI_BINS,
  parseProfile,
  profileCategories,
  profileColumn,
  profileData,
  profileNumbers,
  REFERENCE_POINTS,
  sortedPresent,
  TOP_CATEGORIES,
} from './profile.ts';
export { driftReportMetrics } from './report-metrics.ts';
export { sortedCopy, sortNumbers } from './sort.ts';
