/**
 * Pure helpers behind the output previews: number formatting, axis ticks, linear scales, the heatmap's
 * colour scale and the line chart's hover lookup and decimation.
 */

/**
 * A number with at most `significant` significant digits and no trailing zeros; integers as they are.
 * @example formatNumber(0.123456789) // '0.123457'
 */
export function formatNumber(value: number, significant = 6): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  return String(Number(value.toPrecision(significant)));
}

/**
 * A metric for reading: 4 significant digits, more for large values so their fraction is kept.
 * @example formatMetric(0.96666) // '0.9667'; formatMetric(1234.5678) // '1234.57'
 */
export function formatMetric(value: number): string {
  const magnitude = Math.abs(value) >= 1 ? Math.floor(Math.log10(Math.abs(value))) + 1 : 0;
  return formatNumber(value, Math.min(15, Math.max(4, magnitude + 2)));
}

const GROUPED = new Intl.NumberFormat('en-US');

/** A count with thousands separators, e.g. `12,500`. */
export function formatCount(value: number): string {
  return GROUPED.format(value);
}

/** The smallest and largest finite values, or undefined when there are none. */
export function extent(values: readonly number[]): [number, number] | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? [min, max] : undefined;
}

/** A step of 1, 2, 2.5 or 5 times a power of ten that cuts `span` into about `count` parts. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Decimal places that show every multiple of `step` exactly (0.25 → 2, 5 → 0). */
export function stepDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  const exponent = Math.floor(Math.log10(step) + 1e-9);
  const mantissa = step / 10 ** exponent;
  const extra = Math.abs(mantissa - Math.round(mantissa)) > 1e-6 ? 1 : 0;
  return Math.max(0, -exponent + extra);
}

/** Widens `[min, max]` outwards to whole steps, so the axis starts and ends on a tick. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  let low = Math.min(min, max);
  let high = Math.max(min, max);
  if (low === high) {
    const pad = low === 0 ? 1 : Math.abs(low) * 0.1;
    low -= pad;
    high += pad;
  }
  const step = niceStep(high - low, count);
  const decimals = stepDecimals(step);
  return [round(Math.floor(low / step + 1e-9) * step, decimals), round(Math.ceil(high / step - 1e-9) * step, decimals)];
}

function round(value: number, decimals: number): number {
  return Number(value.toFixed(Math.min(100, decimals)));
}

/** Tick values at whole steps within `[min, max]`, about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  const low = Math.min(min, max);
  const high = Math.max(min, max);
  if (low === high) return [low];
  const step = niceStep(high - low, count);
  const decimals = stepDecimals(step);
  const ticks: number[] = [];
  for (let index = Math.ceil(low / step - 1e-9); index * step <= high + step * 1e-9; index++) {
    ticks.push(round(index * step, decimals));
  }
  return ticks;
}

const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

/** A formatter for an axis's ticks: same decimals on every tick, compact (`20K`) for large values. */
export function tickFormatter(ticks: readonly number[]): (value: number) => string {
  const step = ticks.length > 1 ? Math.abs((ticks[1] ?? 0) - (ticks[0] ?? 0)) : 0;
  const largest = Math.max(0, ...ticks.map(Math.abs));
  if (largest >= 1e4) return (value) => COMPACT.format(value);
  if (step > 0 && step < 1e-4) return (value) => (value === 0 ? '0' : value.toExponential(1));
  const decimals = stepDecimals(step);
  return (value) => (Object.is(value, -0) ? 0 : value).toFixed(decimals);
}

/** A linear map from `domain` onto `range`, with its inverse. A flat domain maps to the range's middle. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): { (value: number): number; invert: (position: number) => number } {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = (value: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0));
  scale.invert = (position: number) => (r1 === r0 ? d0 : d0 + ((position - r0) / (r1 - r0)) * span);
  return scale;
}

/** The index of the value nearest `target`, or -1 for an empty list. */
export function nearestIndex(values: readonly number[], target: number): number {
  let best = -1;
  let distance = Number.POSITIVE_INFINITY;
  for (let index = 0; index < values.length; index++) {
    const gap = Math.abs((values[index] ?? Number.NaN) - target);
    if (gap < distance) {
      distance = gap;
      best = index;
    }
  }
  return best;
}

/**
 * The index of the point nearest a pointer, in pixels, with vertical distance counting a quarter: the
 * hover follows the pointer along x, and picks the right point where a curve rises straight up (ROC).
 * @returns -1 when there are no points
 */
export function nearestPoint(xs: readonly number[], ys: readonly number[], px: number, py: number): number {
  let best = -1;
  let distance = Number.POSITIVE_INFINITY;
  for (let index = 0; index < xs.length; index++) {
    const dx = (xs[index] ?? Number.NaN) - px;
    const dy = ((ys[index] ?? Number.NaN) - py) / 4;
    const gap = dx * dx + dy * dy;
    if (gap < distance) {
      distance = gap;
      best = index;
    }
  }
  return best;
}

/**
 * The indices of at most about `limit` points that keep a curve's shape: the first and last points and,
 * per bucket, the lowest and highest. A long training curve stays a light SVG path.
 */
export function decimate(y: readonly number[], limit = 1000): number[] {
  if (y.length <= limit) return y.map((_, index) => index);
  const buckets = Math.max(1, Math.floor(limit / 2));
  const size = y.length / buckets;
  const kept = new Set<number>([0, y.length - 1]);
  for (let bucket = 0; bucket < buckets; bucket++) {
    const start = Math.floor(bucket * size);
    const end = Math.min(y.length, Math.floor((bucket + 1) * size));
    let low = start;
    let high = start;
    for (let index = start; index < end; index++) {
      if ((y[index] ?? 0) < (y[low] ?? 0)) low = index;
      if ((y[index] ?? 0) > (y[high] ?? 0)) high = index;
    }
    kept.add(low);
    kept.add(high);
  }
  return [...kept].sort((a, b) => a - b);
}

export type Rgb = readonly [number, number, number];

// From a near-white tint of the accent (#4f46e5) to a deep indigo: light cells read as few, dark as many.
const HEAT_LOW: Rgb = [244, 245, 255];
const HEAT_HIGH: Rgb = [55, 48, 163];

/** The heatmap colour of `t` in 0..1 (clamped). */
export function heatColor(t: number): Rgb {
  const f = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const mix = (channel: 0 | 1 | 2) => Math.round(HEAT_LOW[channel] + (HEAT_HIGH[channel] - HEAT_LOW[channel]) * f);
  return [mix(0), mix(1), mix(2)];
}

/** `rgb(r, g, b)` for CSS. */
export function rgbCss([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/** Dark text on light backgrounds and white text on dark ones, by WCAG relative luminance. */
export function readableTextColor([r, g, b]: Rgb): '#ffffff' | '#1f2530' {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  // Contrast with white beats contrast with #1f2530 below about this luminance.
  return luminance < 0.22 ? '#ffffff' : '#1f2530';
}
