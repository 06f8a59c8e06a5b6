import type { MetricPoint } from '../store/store-types.ts';

/**
 * Keeps at most `maxPerName` points of each metric, evenly spaced along its curve and always with its
 * first and last point, so a reply stays small however long the training ran; points stay in their
 * order. A metric with no more points than that keeps them all.
 *
 * @example
 * thinMetricPoints(tenThousandLossPoints, 2000).length; // 2000
 */
export function thinMetricPoints(points: readonly MetricPoint[], maxPerName: number): MetricPoint[] {
  if (!Number.isInteger(maxPerName) || maxPerName < 2) {
    throw new RangeError(`maxPerName must be an integer of at least 2, got ${maxPerName}`);
  }
  const indexesByName = new Map<string, number[]>();
  points.forEach((point, index) => {
    const indexes = indexesByName.get(point.name);
    if (indexes === undefined) indexesByName.set(point.name, [index]);
    else indexes.push(index);
  });
  if ([...indexesByName.values()].every((indexes) => indexes.length <= maxPerName)) return [...points];
  const kept = new Set<number>();
  for (const indexes of indexesByName.values()) {
    if (indexes.length <= maxPerName) {
      for (const index of indexes) kept.add(index);
      continue;
    }
    for (let i = 0; i < maxPerName; i++) {
      kept.add(indexes[Math.round((i * (indexes.length - 1)) / (maxPerName - 1))] as number);
    }
  }
  return points.filter((_, index) => kept.has(index));
}
