import { describe, expect, it } from 'vitest';
import {
  formatShare,
  histogramBars,
  type MeasuredFeature,
  methodLabel,
  qualityFacts,
  scoreText,
} from './drift-report-facts.ts';

const numberFeature: MeasuredFeature = {
  kind: 'number',
  name: 'petal_length',
  rows: 40,
  count: 38,
  method: 'ks',
  score: 0.0004,
  threshold: 0.05,
  drifted: true,
  statistic: 0.8,
  pValue: 0.0004,
  psi: 4.1,
  psiLevel: 'alert',
  ksMethod: 'exact',
  quality: { nullRate: 0.05, baselineNullRate: 0, outOfRangeShare: 0.75 },
  histogram: { kind: 'number', edges: [1, 2.5, 4, 5.5], baseline: [0.4, 0.3, 0.3], current: [0, 0.1, 0.9] },
};

const categoryFeature: MeasuredFeature = {
  kind: 'category',
  name: 'colour',
  rows: 2000,
  count: 2000,
  method: 'jensen_shannon',
  score: 0.04,
  threshold: 0.1,
  drifted: false,
  statistic: null,
  pValue: null,
  quality: { nullRate: 0, baselineNullRate: 0, otherShare: 0.01, unseenShare: 0.01, unseen: ['teal'] },
  histogram: {
    kind: 'category',
    categories: ['red', 'blue', null],
    baseline: [0.5, 0.5, 0],
    current: [0.49, 0.5, 0.01],
  },
};

describe('scores', () => {
  it('reads a test’s p-value below its threshold and a distance at or above it', () => {
    expect(scoreText(numberFeature)).toBe('p = 0.0004 < 0.05');
    expect(scoreText({ method: 'ks', score: 0.3, threshold: 0.05 })).toBe('p = 0.3 ≥ 0.05');
    expect(scoreText(categoryFeature)).toBe('0.04 < 0.1');
    expect(scoreText({ method: 'wasserstein', score: 0.1, threshold: 0.1 })).toBe('0.1 ≥ 0.1');
    expect(scoreText({ method: 'chi_squared', score: null, threshold: 0.05 })).toBe('no values (threshold 0.05)');
    expect(methodLabel('jensen_shannon')).toBe('Jensen–Shannon');
    expect(methodLabel('wasserstein')).toBe('Wasserstein (normalised)');
  });
});

describe('qualityFacts', () => {
  it('compares nulls with the baseline and flags out-of-range and unseen values', () => {
    expect(qualityFacts(numberFeature)).toEqual([
      { label: 'nulls', value: '5% (baseline 0%)', notable: true },
      { label: 'out of range', value: '75%', notable: true },
    ]);
    expect(qualityFacts(categoryFeature)).toEqual([
      { label: 'nulls', value: '0% (baseline 0%)', notable: false },
      { label: 'unseen', value: '1% (teal)', notable: true },
    ]);
    const undecidable = { ...categoryFeature, quality: { ...categoryFeature.quality, unseenShare: null, unseen: [] } };
    expect(qualityFacts(undecidable)[1]).toEqual({ label: 'other', value: '1%', notable: false });
    expect(formatShare(0.0625)).toBe('6.3%');
  });
});

describe('histogramBars', () => {
  it('labels number bins by their edges and categories by name, "other" last, on one scale', () => {
    expect(histogramBars(numberFeature.histogram)).toEqual({
      kind: 'number',
      ends: ['1', '5.5'],
      labels: ['1 – 2.5', '2.5 – 4', '4 – 5.5'],
      baseline: [0.4, 0.3, 0.3],
      current: [0, 0.1, 0.9],
      max: 0.9,
    });
    expect(histogramBars(categoryFeature.histogram)).toMatchObject({ labels: ['red', 'blue', 'other'], ends: [] });
    expect(histogramBars({ kind: 'number', edges: [], baseline: [], current: [] }).max).toBe(0);
  });
});
