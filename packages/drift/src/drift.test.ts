import { describe, expect, it } from 'vitest';
import { datasetDrift, featureDrift } from './drift.ts';
import { DEFAULT_DRIFT_OPTIONS, parseDriftOptions, resolveDriftOptions } from './drift-options.ts';
import type { NumberFeatureDrift } from './drift-report.ts';
import { ksTwoSample } from './ks-test.ts';
import { normalizedWasserstein } from './metrics.ts';
import { type CategoryProfile, profileCategories, profileData, profileNumbers } from './profile.ts';
import { seededRandom } from './testing/random.ts';

const random = seededRandom(14);
const normals = (n: number, mean = 0, std = 1) => Float64Array.from({ length: n }, () => random.normal(mean, std));
const baseline = profileNumbers(normals(20_000));
const options = resolveDriftOptions();

describe('featureDrift on numbers', () => {
  it('finds no drift in a large window from the training distribution', () => {
    const drift = featureDrift(baseline, normals(5000), options) as NumberFeatureDrift;
    expect(drift).toMatchObject({
      kind: 'number',
      method: 'wasserstein',
      threshold: 0.1,
      drifted: false,
      psiLevel: 'ok',
    });
    expect(drift.score).toBeLessThan(0.05);
    expect(drift.pValue).toBeNull();
  });

  it('finds drift in a shifted window, by Wasserstein and PSI', () => {
    const drift = featureDrift(baseline, normals(5000, 1), options) as NumberFeatureDrift;
    expect(drift).toMatchObject({ method: 'wasserstein', drifted: true, psiLevel: 'alert' });
    expect(drift.score).toBeGreaterThan(0.9);
  });

  it('scores Wasserstein against the reference points, normalised by the training std', () => {
    const current = normals(3000, 0.3);
    const drift = featureDrift(baseline, current, options);
    expect(drift.score).toBeCloseTo(normalizedWasserstein(baseline.reference, current, baseline.std), 12);
  });

  it('switches to the KS test at 1,000 values and below', () => {
    const small = normals(1001, 0.5);
    expect(featureDrift(baseline, small, options).method).toBe('wasserstein');
    const window = small.subarray(0, 1000);
    const drift = featureDrift(baseline, window, options) as NumberFeatureDrift;
    const ks = ksTwoSample(baseline.reference, window);
    expect(drift).toMatchObject({ method: 'ks', ksMethod: 'exact', score: ks.pValue, statistic: ks.statistic });
    expect(drift.drifted).toBe(ks.pValue < 0.05);
    expect(drift.drifted).toBe(true);
  });

  it('rejects no more often than its level on small windows from the training distribution', () => {
    let rejected = 0;
    for (let i = 0; i < 100; i++) if (featureDrift(baseline, normals(200), options).drifted) rejected++;
    expect(rejected).toBeLessThanOrEqual(10);
  });

  it('counts only present values towards the switch, and reports NULLs and out-of-range values', () => {
    const values: Array<number | null> = [...normals(1500, 0, 0.5)];
    for (let i = 0; i < 600; i++) values[i] = null;
    values[700] = 1e6;
    values[701] = -1e6;
    const drift = featureDrift(baseline, values, options);
    expect(drift).toMatchObject({ rows: 1500, count: 900, method: 'ks' });
    expect(drift.quality).toEqual({ nullRate: 0.4, baselineNullRate: 0, outOfRangeShare: 2 / 900 });
  });

  it('draws both sides over shared bins that cover both ranges', () => {
    const drift = featureDrift(baseline, normals(4000, 3), options);
    const histogram = drift.histogram;
    if (histogram.kind !== 'number') throw new Error('expected a number histogram');
    expect(histogram.edges).toHaveLength(21);
    expect(histogram.edges[0]).toBe(baseline.min);
    expect(histogram.edges.at(-1)).toBeGreaterThan(baseline.max);
    for (const side of [histogram.baseline, histogram.current]) {
      expect(side.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('scores nothing when the window has no value, and takes numbers written as text', () => {
    expect(featureDrift(baseline, [null, Number.NaN], options)).toMatchObject({
      score: null,
      drifted: false,
      psi: null,
    });
    expect(featureDrift(baseline, ['0.5', '-1', 'n/a'], options)).toMatchObject({ count: 2 });
    expect(featureDrift(baseline, [Number.POSITIVE_INFINITY, 1], options)).toMatchObject({ rows: 2, count: 1 });
  });

  it('honours a forced method and refuses one of the wrong kind', () => {
    expect(featureDrift(baseline, normals(300), { ...options, method: 'wasserstein' }).method).toBe('wasserstein');
    expect(() => featureDrift(baseline, normals(3), { ...options, method: 'chi_squared', name: 'x' })).toThrow(
      /x: chi_squared does not apply to a number feature/,
    );
  });
});

function colours(n: number, weights: number[], values = ['red', 'green', 'blue', 'black']): string[] {
  return Array.from({ length: n }, () => random.pick(values, weights));
}

describe('featureDrift on categories', () => {
  const profile = profileCategories(colours(10_000, [4, 3, 2, 1]));

  it('uses Jensen–Shannon above 1,000 values and chi-squared at or below', () => {
    expect(featureDrift(profile, colours(5000, [4, 3, 2, 1]), options)).toMatchObject({
      method: 'jensen_shannon',
      drifted: false,
    });
    expect(featureDrift(profile, colours(5000, [1, 1, 1, 4]), options)).toMatchObject({
      method: 'jensen_shannon',
      drifted: true,
    });
    const same = featureDrift(profile, colours(800, [4, 3, 2, 1]), options);
    expect(same).toMatchObject({ method: 'chi_squared', drifted: false });
    expect(same.pValue).toBeGreaterThan(0.05);
    expect(featureDrift(profile, colours(800, [1, 3, 2, 4]), options)).toMatchObject({
      method: 'chi_squared',
      drifted: true,
    });
  });

  it('reports unseen values when the baseline kept every value, and calls that drift', () => {
    const current = [...colours(500, [4, 3, 2, 1]), ...Array(20).fill('purple'), 'mauve', null];
    const drift = featureDrift(profile, current, options);
    expect(drift.quality).toMatchObject({ unseenShare: 21 / 521, otherShare: 21 / 521, unseen: ['purple', 'mauve'] });
    expect(drift.quality.nullRate).toBeCloseTo(1 / 522, 15);
    // The baseline never had an "other": chi-squared is ∞, p = 0.
    expect(drift).toMatchObject({ method: 'chi_squared', pValue: 0, statistic: null, drifted: true });
    expect(JSON.parse(JSON.stringify(drift))).toEqual(drift);
  });

  it('folds values beyond the top into "other", where unseen values cannot be told apart', () => {
    const wide: CategoryProfile = profileCategories(colours(10_000, [4, 3, 2, 1]), 2);
    expect(wide.otherCount).toBeGreaterThan(0);
    const drift = featureDrift(wide, colours(3000, [4, 3, 2, 1]), options);
    expect(drift.quality).toMatchObject({ unseenShare: null, unseen: [] });
    expect(drift.histogram).toMatchObject({ kind: 'category', categories: ['red', 'green', null] });
    expect(drift.drifted).toBe(false);
    expect(drift.kind === 'category' && drift.quality.otherShare).toBeCloseTo(0.3, 1);
  });
});

describe('datasetDrift', () => {
  const training = {
    a: normals(5000),
    b: normals(5000, 10, 2),
    c: normals(5000, -3),
    colour: colours(5000, [4, 3, 2, 1]),
  };
  const profile = profileData(training, colours(5000, [1, 1, 0, 0], ['yes', 'no', '', '']));

  it('reports no drift on data like the training data', () => {
    const report = datasetDrift(profile, {
      a: normals(3000),
      b: normals(3000, 10, 2),
      c: normals(3000, -3),
      colour: colours(3000, [4, 3, 2, 1]),
    });
    expect(report).toMatchObject({ status: 'ok', rows: 3000, measuredCount: 4, driftedCount: 0, datasetDrift: false });
  });

  it('drifts when half the features do, and reports the prediction apart', () => {
    const report = datasetDrift(
      profile,
      { a: normals(3000, 1), b: normals(3000, 10, 2), c: normals(3000, -3), colour: colours(3000, [1, 1, 1, 4]) },
      colours(3000, [1, 3], ['yes', 'no']),
    );
    expect(report).toMatchObject({ status: 'drift', driftedCount: 2, driftedShare: 0.5, datasetDrift: true });
    expect(report.prediction).toMatchObject({ name: 'prediction', kind: 'category', drifted: true });
    expect(report.features.map((f) => [f.name, f.drifted])).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
      ['colour', true],
    ]);
  });

  it('applies the monitor share and per-feature overrides', () => {
    const current = {
      a: normals(3000, 0.3),
      b: normals(3000, 10, 2),
      c: normals(3000, -3),
      colour: colours(3000, [4, 3, 2, 1]),
    };
    expect(datasetDrift(profile, current)).toMatchObject({ status: 'ok', driftedCount: 1, driftedShare: 0.25 });
    expect(datasetDrift(profile, current, undefined, { datasetShare: 0.25 })).toMatchObject({ status: 'drift' });
    const relaxed = datasetDrift(profile, current, undefined, {
      features: { a: { thresholds: { wasserstein: 0.5 } } },
    });
    expect(relaxed).toMatchObject({ driftedCount: 0 });
    expect(relaxed.features[0]).toMatchObject({ name: 'a', threshold: 0.5, drifted: false });
    const tested = datasetDrift(profile, current, undefined, { features: { a: { method: 'ks' } } });
    expect(tested.features[0]).toMatchObject({ method: 'ks', ksMethod: 'exact', drifted: true });
  });

  it('says no_data for a window without rows or without values, never zero drift', () => {
    expect(datasetDrift(profile, {})).toEqual({
      status: 'no_data',
      rows: 0,
      reason: 'the window has no rows',
      features: [],
      prediction: null,
    });
    expect(datasetDrift(profile, { a: [], b: [], c: [], colour: [] }).status).toBe('no_data');
    const empty = datasetDrift(profile, { a: [null, null], b: [null, null], c: [null, null], colour: [null, null] });
    expect(empty).toMatchObject({ status: 'no_data', rows: 2, reason: 'no feature has a value in the window' });
    expect(empty.features.every((f) => f.kind !== 'missing' && f.quality.nullRate === 1)).toBe(true);
  });

  it('reports a feature the window lacks as missing and leaves it out of the share', () => {
    const report = datasetDrift(profile, { a: normals(2000, 1), b: normals(2000, 10, 2) });
    expect(report).toMatchObject({ status: 'drift', measuredCount: 2, driftedCount: 1, driftedShare: 0.5 });
    expect(report.features.filter((f) => f.kind === 'missing').map((f) => f.name)).toEqual(['c', 'colour']);
  });

  it('writes a report that survives JSON as it is', () => {
    const report = datasetDrift(profile, { a: normals(500, 2), b: [...normals(499, 10, 2), null], colour: ['teal'] });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('parseDriftOptions', () => {
  it('fills defaults and names every bad field', () => {
    expect(parseDriftOptions(undefined)).toEqual({ ok: true, options: resolveDriftOptions() });
    expect(parseDriftOptions({ thresholds: { ks: 0.01 } })).toMatchObject({
      ok: true,
      options: { thresholds: { ...DEFAULT_DRIFT_OPTIONS.thresholds, ks: 0.01 } },
    });
    const parsed = parseDriftOptions({
      thresholds: { ks: 2, wasserstein: -1, psi: 0.1 },
      smallWindow: 10.5,
      psi: { warn: 0.3, alert: 0.2 },
      datasetShare: 0,
      histogramBins: 0,
      features: { age: { method: 'anova' }, colour: 'loud' },
      colour: 1,
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.map((e) => e.path).sort()).toEqual(
      [
        'colour',
        'thresholds.psi',
        'thresholds.ks',
        'thresholds.wasserstein',
        'smallWindow',
        'psi.alert',
        'datasetShare',
        'histogramBins',
        'features.age.method',
        'features.colour',
      ].sort(),
    );
    expect(parsed.errors.find((e) => e.path === 'thresholds.ks')?.message).toBe('must be a p-value in (0, 1), got 2');
  });

  it('checks overrides against the model when given its profile', () => {
    const profile = profileData({ age: [1, 2, 3], colour: ['a', 'b', 'a'] });
    const parsed = parseDriftOptions({ features: { age: { method: 'chi_squared' }, height: {} } }, profile);
    expect(parsed).toEqual({
      ok: false,
      errors: [
        {
          path: 'features.age.method',
          message: 'chi_squared does not apply to a number feature (use wasserstein or ks)',
        },
        { path: 'features.height', message: 'the model has no feature "height"' },
      ],
    });
  });
});
