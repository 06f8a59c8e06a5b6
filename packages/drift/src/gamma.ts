/**
 * The gamma-function pieces the chi-squared test needs: `ln Γ` and the regularized upper incomplete
 * gamma function, whose value at (df/2, χ²/2) is the test's p-value.
 */

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * `B₂ⱼ / (2j (2j − 1))` for j = 1…8, the Stirling series of `ln Γ`. Written as exact fractions of the
 * Bernoulli numbers so they can be checked by eye.
 */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/**
 * Below this the Stirling series is shifted up by the recurrence `Γ(x + 1) = x Γ(x)`: at 15 its first
 * dropped term is below 1e-20, so the series is exact to the last bit of a double.
 */
const STIRLING_FROM = 15;

/** `ln Γ(x)` for `x > 0`, to about 1e-15 relative. */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let shift = 0;
  let product = 1;
  let z = x;
  while (z < STIRLING_FROM) {
    product *= z;
    z += 1;
    shift = 1;
  }
  const inverse = 1 / z;
  const inverseSquared = inverse * inverse;
  let series = 0;
  for (let j = STIRLING.length - 1; j >= 0; j--) series = series * inverseSquared + (STIRLING[j] as number);
  const stirling = (z - 0.5) * Math.log(z) - z + HALF_LOG_TWO_PI + series * inverse;
  return shift === 0 ? stirling : stirling - Math.log(product);
}

const EPSILON = 2 ** -53;
/** Keeps Lentz's continued fraction away from a division by zero. */
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

/**
 * The regularized upper incomplete gamma function `Q(a, x) = Γ(a, x) / Γ(a)` (scipy's `gammaincc`),
 * for `a > 0`, `x ≥ 0`. Below `x = a + 1` the lower function's power series converges fast and
 * `Q = 1 − P` loses nothing there (Q is not small); above it the continued fraction gives `Q`
 * directly, so tiny p-values keep their relative precision.
 *
 * @example regularizedUpperGamma(1, 2) // e^-2 ≈ 0.1353352832366127
 */
export function regularizedUpperGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0) || Number.isNaN(x)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  const logPrefactor = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
    }
    return 1 - sum * Math.exp(logPrefactor);
  }
  // Modified Lentz evaluation of Γ(a, x) e^x x^-a = 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- …))).
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let fraction = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    fraction *= step;
    if (Math.abs(step - 1) < EPSILON) break;
  }
  return Math.exp(logPrefactor) * fraction;
}
