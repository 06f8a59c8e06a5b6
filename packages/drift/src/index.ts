export { logGamma, regularizedUpperGamma } from './gamma.ts';
export { durbinCdf, kolmogorovSurvival, pelzGoodCdf, smirnovSurvival } from './kolmogorov.ts';
export { KS_EXACT_MAX_N, type KsTestResult, ksStatisticSorted, ksTwoSample, ksTwoSampleSorted } from './ks-test.ts';
export {
  type ChiSquaredResult,
  chiSquaredTest,
  jensenShannonDistance,
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
export { sortedCopy, sortNumbers } from './sort.ts';
