import { describe, expect, it } from 'vitest';
import { metricsSummary } from './metrics-output.ts';

describe('metricsSummary', () => {
  it('puts the headline scores first, leaves out per-class entries and non-numbers, and counts the rest', () => {
    const metrics = {
      zeta: 1,
      f1_macro: 0.9412,
      'precision/setosa': 1,
      confusion: { kind: 'matrix', labels: ['a'], values: [[1]] },
      accuracy: 0.96667,
      brier: 0.05,
    };
    expect(metricsSummary(metrics)).toBe('accuracy 0.9667, f1_macro 0.9412, zeta 1, +1 more');
    expect(metricsSummary(metrics, 5)).toBe('accuracy 0.9667, f1_macro 0.9412, zeta 1, brier 0.05');
  });

  it('is empty for a version registered without metrics', () => {
    expect(metricsSummary(null)).toBe('');
  });
});
