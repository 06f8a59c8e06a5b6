import { describe, expect, it } from 'vitest';
import { classificationMetrics } from './classification-metrics.ts';

/** Binary probabilities [1 − p, p] from class 1's probability per row. */
function binary(p: readonly number[]): Float64Array {
  return Float64Array.from(p.flatMap((v) => [1 - v, v]));
}

describe('classificationMetrics', () => {
  it('scores a binary classifier', () => {
    const report = classificationMetrics(Int32Array.of(0, 0, 1, 1), binary([0.1, 0.4, 0.35, 0.8]), ['neg', 'pos']);
    expect(report.accuracy).toBe(0.75);
    expect(report.confusionMatrix).toEqual({
      kind: 'matrix',
      labels: ['neg', 'pos'],
      values: [
        [2, 0],
        [1, 1],
      ],
    });
    expect(report.perClass).toEqual([
      { label: 'neg', precision: 2 / 3, recall: 1, f1: (2 * (2 / 3)) / (2 / 3 + 1), support: 2 },
      { label: 'pos', precision: 1, recall: 0.5, f1: 1 / 1.5, support: 2 },
    ]);
    expect(report.precisionMacro).toBeCloseTo((2 / 3 + 1) / 2, 15);
    // The classic example of scikit-learn's roc_auc_score and roc_curve.
    expect(report.rocAuc).toBe(0.75);
    expect(report.rocCurves).toEqual([
      {
        kind: 'curve',
        x: [0, 0, 0.5, 0.5, 1],
        y: [0, 0.5, 0.5, 1, 1],
        xLabel: 'False positive rate',
        yLabel: 'True positive rate',
      },
    ]);
    const expectedLoss = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4;
    expect(report.logLoss).toBeCloseTo(expectedLoss, 14);
  });

  it('counts tied scores as half-ordered', () => {
    const tied = classificationMetrics(Int32Array.of(0, 1, 0, 1), binary([0.5, 0.5, 0.5, 0.5]), ['a', 'b']);
    expect(tied.rocAuc).toBe(0.5);
    expect(tied.rocCurves[0]?.x).toEqual([0, 1]);
    expect(tied.rocCurves[0]?.y).toEqual([0, 1]);
    // One positive above both negatives, one tied with a negative: (2 + 0.5 + 1) / 4 pairs.
    const partly = classificationMetrics(Int32Array.of(0, 1, 0, 1), binary([0.2, 0.9, 0.6, 0.6]), ['a', 'b']);
    expect(partly.rocAuc).toBe(3.5 / 4);
  });

  it('picks the first most probable class on ties', () => {
    const report = classificationMetrics(Int32Array.of(0, 1), Float64Array.of(0.5, 0.5, 0.5, 0.5), ['a', 'b']);
    expect(report.confusionMatrix.values).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it('gives precision 0 to a class never predicted', () => {
    const report = classificationMetrics(Int32Array.of(0, 1, 1), binary([0.1, 0.2, 0.3]), ['a', 'b']);
    expect(report.perClass[1]).toEqual({ label: 'b', precision: 0, recall: 0, f1: 0, support: 2 });
    expect(report.precisionMacro).toBe(1 / 6);
  });

  it('averages over classes that occur, and AUC over classes with positives and negatives', () => {
    // Class 2 never occurs nor is predicted.
    const yTrue = Int32Array.of(0, 1, 1, 0, 1);
    const probabilities = Float64Array.of(
      ...[0.7, 0.2, 0.1],
      ...[0.3, 0.6, 0.1],
      ...[0.5, 0.4, 0.1],
      ...[0.4, 0.35, 0.25],
      ...[0.1, 0.8, 0.1],
    );
    const report = classificationMetrics(yTrue, probabilities, ['x', 'y', 'z']);
    expect(report.perClass.map((c) => c.support)).toEqual([2, 3, 0]);
    expect(report.recallMacro).toBeCloseTo((1 + 2 / 3) / 2, 15);
    expect(report.rocCurves.map((c) => c.x.length > 0)).toEqual([true, true, false]);
    expect(report.rocCurves[2]?.y).toEqual([]);
    // Class x: positives score 0.7, 0.4; negatives 0.3, 0.5, 0.1 → 5 of 6 pairs ordered. Class y: 6 of 6.
    expect(report.rocAuc).toBeCloseTo((5 / 6 + 1) / 2, 15);
  });

  it('clips probabilities of 0 and 1 before taking logarithms', () => {
    const report = classificationMetrics(Int32Array.of(0, 1), binary([1, 1]), ['a', 'b']);
    expect(report.logLoss).toBeCloseTo(-Math.log(1e-15) / 2, 10);
    expect(Number.isFinite(report.logLoss)).toBe(true);
  });

  it('omits the AUC when no class has both positives and negatives', () => {
    const report = classificationMetrics(Int32Array.of(1, 1), binary([0.2, 0.9]), ['a', 'b']);
    expect(report.rocAuc).toBeNaN();
    expect(report.rocCurves).toHaveLength(1);
    expect(report.rocCurves[0]?.x).toEqual([]);
    expect(report.accuracy).toBe(0.5);
  });

  it('rejects inconsistent input', () => {
    expect(() => classificationMetrics(Int32Array.of(0, 2), binary([0.1, 0.2]), ['a', 'b'])).toThrow(/class 2/);
    expect(() => classificationMetrics(Int32Array.of(0), Float64Array.of(0.5), ['a', 'b'])).toThrow(/1 probabilities/);
    expect(() => classificationMetrics(Int32Array.of(0), Float64Array.of(Number.NaN, 1), ['a', 'b'])).toThrow(
      /not finite/,
    );
    expect(() => classificationMetrics(new Int32Array(0), new Float64Array(0), ['a'])).toThrow(/one row/);
  });
});
