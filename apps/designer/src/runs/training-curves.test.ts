import type { MetricPoint } from '@loom/server/api-types';
import { describe, expect, it } from 'vitest';
import { addCurvePoints, curveSeries, startAttempt } from './training-curves.ts';

function point(seq: number, name: string, step: number, value: number, attempt = 1): MetricPoint {
  return { seq, attempt, name, step, value };
}

/** `count` loss points from seq `firstSeq`, one per iteration, falling as 1 / iteration. */
function lossPoints(count: number, firstSeq = 1): MetricPoint[] {
  return Array.from({ length: count }, (_, i) => point(firstSeq + i, 'loss', i + 1, 1 / (i + 1)));
}

describe('addCurvePoints', () => {
  it('appends live points in order', () => {
    const first = addCurvePoints(startAttempt(3), lossPoints(2, 4));
    const second = addCurvePoints(first, lossPoints(1, 6));
    expect(second.points.map((p) => p.seq)).toEqual([4, 5, 6]);
    expect(second.since).toBe(3);
  });

  it('drops the points of an earlier attempt, and returns the curves unchanged when nothing is new', () => {
    const curves = addCurvePoints(startAttempt(10), [point(11, 'loss', 1, 0.5)]);
    expect(addCurvePoints(curves, [point(4, 'loss', 1, 0.9)])).toBe(curves);
    expect(addCurvePoints(curves, [])).toBe(curves);
  });

  it('merges the points read back from the server with the live ones, each once, in seq order', () => {
    // The page joined mid-attempt: it has seen points 8 and 9 live; the server has 1 to 8.
    const live = addCurvePoints(undefined, [point(8, 'loss', 8, 0.2), point(9, 'loss', 9, 0.1)]);
    const merged = addCurvePoints(live, lossPoints(8));
    expect(merged.points.map((p) => p.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('halves a curve that outgrows the limit, keeping its last point, and leaves the others whole', () => {
    const validation = [point(1000, 'validation_loss', 1, 0.7), point(1001, 'validation_loss', 2, 0.6)];
    const curves = addCurvePoints(undefined, [...lossPoints(9), ...validation], 8);
    const loss = curves.points.filter((p) => p.name === 'loss').map((p) => p.step);
    expect(loss).toEqual([1, 3, 5, 7, 9]);
    expect(curves.points.filter((p) => p.name === 'validation_loss')).toEqual(validation);
  });
});

describe('curveSeries', () => {
  it('draws one series per metric, training loss first, then validation loss, then the rest by name', () => {
    const curves = addCurvePoints(startAttempt(0), [
      point(1, 'learning_rate', 1, 0.1),
      point(2, 'val_loss', 1, 0.9),
      point(3, 'loss', 1, 0.8),
      point(4, 'beta', 1, 2),
      point(5, 'loss', 2, 0.6),
      point(6, 'val_loss', 2, 0.7),
    ]);
    expect(curveSeries(curves)).toEqual([
      { name: 'loss', x: [1, 2], y: [0.8, 0.6] },
      { name: 'val_loss', x: [1, 2], y: [0.9, 0.7] },
      { name: 'beta', x: [1], y: [2] },
      { name: 'learning_rate', x: [1], y: [0.1] },
    ]);
  });

  it('has nothing to draw for a step without curves', () => {
    expect(curveSeries(undefined)).toEqual([]);
    expect(curveSeries(startAttempt(5))).toEqual([]);
  });
});
