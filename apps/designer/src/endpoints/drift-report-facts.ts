/** What the drift report says of each feature, in words and bars (see @loom/drift's `DriftReport`). */
import type { WindowDriftReport } from '@loom/server/api-types';
import { formatMetric } from './model-facts.ts';

export type FeatureDrift = WindowDriftReport['features'][number];
export type MeasuredFeature = Exclude<FeatureDrift, { kind: 'missing' }>;
export type DriftHistogram = MeasuredFeature['histogram'];

const METHODS: Readonly<Record<MeasuredFeature['method'], { label: string; test: boolean }>> = {
  wasserstein: { label: 'Wasserstein (normalised)', test: false },
  ks: { label: 'Kolmogorov–Smirnov', test: true },
  jensen_shannon: { label: 'Jensen–Shannon', test: false },
  chi_squared: { label: 'chi-squared', test: true },
};

/** The method's name as people know it. */
export function methodLabel(method: MeasuredFeature['method']): string {
  return METHODS[method].label;
}

/**
 * The score against its threshold, as the method reads it: a distance drifts at or above it, a test's
 * p-value below it.
 *
 * @example scoreText({ method: 'ks', score: 0.001, threshold: 0.05, … }) // 'p = 0.001 < 0.05'
 */
export function scoreText(feature: Pick<MeasuredFeature, 'method' | 'score' | 'threshold'>): string {
  const { test } = METHODS[feature.method];
  if (feature.score === null) return `no values (threshold ${formatMetric(feature.threshold)})`;
  const score = formatMetric(feature.score);
  const threshold = formatMetric(feature.threshold);
  if (test) return `p = ${score} ${feature.score < feature.threshold ? '<' : '≥'} ${threshold}`;
  return `${score} ${feature.score >= feature.threshold ? '≥' : '<'} ${threshold}`;
}

/** A share as a percentage with one decimal at most: 0.0625 → "6.3%". */
export function formatShare(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

export interface QualityFact {
  label: string;
  value: string;
  /** Worse than training: more NULLs than the baseline had, values outside its range, unseen values. */
  notable: boolean;
}

/** A feature's data quality beside the baseline's. */
export function qualityFacts(feature: MeasuredFeature): QualityFact[] {
  const { quality } = feature;
  const facts: QualityFact[] = [
    {
      label: 'nulls',
      value: `${formatShare(quality.nullRate)} (baseline ${formatShare(quality.baselineNullRate)})`,
      notable: quality.nullRate > quality.baselineNullRate,
    },
  ];
  if (feature.kind === 'number') {
    facts.push({
      label: 'out of range',
      value: formatShare(feature.quality.outOfRangeShare),
      notable: feature.quality.outOfRangeShare > 0,
    });
  } else {
    const { unseenShare, unseen, otherShare } = feature.quality;
    facts.push(
      unseenShare === null
        ? { label: 'other', value: formatShare(otherShare), notable: false }
        : {
            label: 'unseen',
            value: `${formatShare(unseenShare)}${unseen.length === 0 ? '' : ` (${unseen.join(', ')})`}`,
            notable: unseenShare > 0,
          },
    );
  }
  return facts;
}

export interface HistogramBars {
  kind: DriftHistogram['kind'];
  /** One label per bar: a bin's range or a category ("other" for every value outside the top ones). */
  labels: string[];
  baseline: number[];
  current: number[];
  /** The largest share on either side: both charts use it, so their bars compare. */
  max: number;
  /** Numbers: the first and last edges, for the axis's ends; empty for categories. */
  ends: string[];
}

const edge = (value: number) => String(Number(value.toPrecision(3)));

/** A report's histogram as bars over the shared bins (numbers) or per category (categories). */
export function histogramBars(histogram: DriftHistogram): HistogramBars {
  const labels =
    histogram.kind === 'number'
      ? histogram.baseline.map((_, i) => `${edge(histogram.edges[i] ?? 0)} – ${edge(histogram.edges[i + 1] ?? 0)}`)
      : histogram.categories.map((category) => category ?? 'other');
  const max = Math.max(0, ...histogram.baseline, ...histogram.current);
  const edges = histogram.kind === 'number' ? histogram.edges : [];
  const ends = edges.length < 2 ? [] : [edge(edges[0] as number), edge(edges[edges.length - 1] as number)];
  return { kind: histogram.kind, labels, baseline: histogram.baseline, current: histogram.current, max, ends };
}
