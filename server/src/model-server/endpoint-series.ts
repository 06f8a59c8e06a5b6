/**
 * An endpoint's traffic over time, kept in memory for the designer's charts: per time slot, the
 * requests answered, those that were not a 200, and a latency sketch of the 200s from which p50 and
 * p99 are read. Two rings of fixed size: 10-second slots over the last hour and one-minute slots over
 * the last day, so the memory of a model is fixed (about 1 MB, allocated at its first request) however
 * long the server runs. Recording costs a logarithm and a few array additions.
 */

/** A range the series can answer for. */
export type SeriesRange = '1h' | '1d';

interface RingShape {
  /** Milliseconds per slot. */
  stepMs: number;
  slots: number;
}

/** The shapes of the two rings, by range. */
export const SERIES_RINGS: Readonly<Record<SeriesRange, RingShape>> = {
  '1h': { stepMs: 10_000, slots: 360 },
  '1d': { stepMs: 60_000, slots: 1_440 },
};

/** The latency sketch: bucket 0 holds up to {@link SKETCH_MIN_MS}; bucket i, up to MIN × GROWTH^i. */
export const SKETCH_MIN_MS = 0.01;
/**
 * Each bucket is 12% wider than the one before: a quantile read at the geometric middle of its bucket
 * is within about 6% of the true one.
 */
export const SKETCH_GROWTH = 1.12;
/** From 0.01 ms to past a minute; the last bucket takes everything slower. */
export const SKETCH_BUCKETS = 140;
const LOG_GROWTH = Math.log(SKETCH_GROWTH);

/** The sketch bucket of a latency in milliseconds. */
export function sketchBucket(latencyMs: number): number {
  if (!(latencyMs > SKETCH_MIN_MS)) return 0;
  const bucket = Math.ceil(Math.log(latencyMs / SKETCH_MIN_MS) / LOG_GROWTH - 1e-9);
  return Math.min(bucket, SKETCH_BUCKETS - 1);
}

/** The latency a bucket stands for: the geometric middle of its bounds (the lower bound for the last). */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return SKETCH_MIN_MS;
  if (bucket >= SKETCH_BUCKETS - 1) return SKETCH_MIN_MS * SKETCH_GROWTH ** (SKETCH_BUCKETS - 2);
  return SKETCH_MIN_MS * SKETCH_GROWTH ** (bucket - 0.5);
}

/** The `q` quantile (0 < q ≤ 1) of a sketch's counts from `offset`, or null when it holds none. */
export function sketchQuantile(counts: ArrayLike<number>, offset: number, total: number, q: number): number | null {
  if (total <= 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let bucket = 0; bucket < SKETCH_BUCKETS; bucket++) {
    seen += counts[offset + bucket] as number;
    if (seen >= rank) return bucketValue(bucket);
  }
  return bucketValue(SKETCH_BUCKETS - 1);
}

class Ring {
  /** The slot number (time / step) each position holds, or -1. */
  readonly slotOf: Float64Array;
  readonly requests: Float64Array;
  readonly errors: Float64Array;
  /** Per position, SKETCH_BUCKETS counts of the 200s' latencies. */
  readonly latency: Uint32Array;

  constructor(readonly shape: RingShape) {
    this.slotOf = new Float64Array(shape.slots).fill(-1);
    this.requests = new Float64Array(shape.slots);
    this.errors = new Float64Array(shape.slots);
    this.latency = new Uint32Array(shape.slots * SKETCH_BUCKETS);
  }

  record(slot: number, ok: boolean, bucket: number): void {
    const at = slot % this.shape.slots;
    if (this.slotOf[at] !== slot) {
      // The position held a slot a whole ring ago: it starts again.
      this.slotOf[at] = slot;
      this.requests[at] = 0;
      this.errors[at] = 0;
      this.latency.fill(0, at * SKETCH_BUCKETS, (at + 1) * SKETCH_BUCKETS);
    }
    this.requests[at] = (this.requests[at] as number) + 1;
    if (ok) {
      const index = at * SKETCH_BUCKETS + bucket;
      this.latency[index] = (this.latency[index] as number) + 1;
    } else {
      this.errors[at] = (this.errors[at] as number) + 1;
    }
  }
}

/** What {@link EndpointSeries.read} gives: one entry per slot, oldest first, the last being the slot now. */
export interface SeriesPoints {
  range: SeriesRange;
  stepSeconds: number;
  /** The start of the first slot, in ms since the epoch. */
  start: number;
  /** The time read, in ms since the epoch: the last slot runs up to it. */
  end: number;
  requests: number[];
  /** Requests not answered 200 (4xx and 5xx). */
  errors: number[];
  /** Requests per second over each slot (the last one over its part so far). */
  requestsPerSecond: number[];
  /** errors / requests; null for a slot without requests. */
  errorRate: Array<number | null>;
  /** The median and 99th percentile latency of the slot's 200s, in ms; null without any. */
  p50Ms: Array<number | null>;
  p99Ms: Array<number | null>;
  /** The whole range at once. */
  total: { requests: number; errors: number; p50Ms: number | null; p99Ms: number | null };
}

/**
 * One endpoint's traffic series (see the module's header).
 *
 * @example
 * const series = new EndpointSeries();
 * series.record(Date.now(), 200, 1.8);
 * series.read('1h', Date.now()).requestsPerSecond.at(-1);
 */
export class EndpointSeries {
  readonly #rings: Record<SeriesRange, Ring> = {
    '1h': new Ring(SERIES_RINGS['1h']),
    '1d': new Ring(SERIES_RINGS['1d']),
  };

  /** Counts one answered request: its status code and, for a 200, its latency in ms. */
  record(nowMs: number, code: number, latencyMs: number): void {
    const ok = code === 200;
    const bucket = ok ? sketchBucket(latencyMs) : 0;
    for (const ring of [this.#rings['1h'], this.#rings['1d']]) {
      ring.record(Math.floor(nowMs / ring.shape.stepMs), ok, bucket);
    }
  }

  /** The slots of `range` up to `nowMs`. */
  read(range: SeriesRange, nowMs: number): SeriesPoints {
    const ring = this.#rings[range];
    const { stepMs, slots } = ring.shape;
    const last = Math.floor(nowMs / stepMs);
    const first = last - slots + 1;
    const points: SeriesPoints = {
      range,
      stepSeconds: stepMs / 1000,
      start: first * stepMs,
      end: nowMs,
      requests: [],
      errors: [],
      requestsPerSecond: [],
      errorRate: [],
      p50Ms: [],
      p99Ms: [],
      total: { requests: 0, errors: 0, p50Ms: null, p99Ms: null },
    };
    const merged = new Float64Array(SKETCH_BUCKETS);
    for (let slot = first; slot <= last; slot++) {
      const at = slot % slots;
      const held = ring.slotOf[at] === slot;
      const requests = held ? (ring.requests[at] as number) : 0;
      const errors = held ? (ring.errors[at] as number) : 0;
      const ok = requests - errors;
      // The slot now has lasted only until `nowMs`; a second at least, so one request is not a spike.
      const seconds = slot === last ? Math.max(1, (nowMs - slot * stepMs) / 1000) : stepMs / 1000;
      points.requests.push(requests);
      points.errors.push(errors);
      points.requestsPerSecond.push(requests / seconds);
      points.errorRate.push(requests === 0 ? null : errors / requests);
      points.p50Ms.push(held ? sketchQuantile(ring.latency, at * SKETCH_BUCKETS, ok, 0.5) : null);
      points.p99Ms.push(held ? sketchQuantile(ring.latency, at * SKETCH_BUCKETS, ok, 0.99) : null);
      if (held && ok > 0) {
        for (let b = 0; b < SKETCH_BUCKETS; b++) {
          merged[b] = (merged[b] as number) + (ring.latency[at * SKETCH_BUCKETS + b] as number);
        }
      }
      points.total.requests += requests;
      points.total.errors += errors;
    }
    const ok = points.total.requests - points.total.errors;
    points.total.p50Ms = sketchQuantile(merged, 0, ok, 0.5);
    points.total.p99Ms = sketchQuantile(merged, 0, ok, 0.99);
    return points;
  }
}
