/**
 * The distribution of the one-sample two-sided Kolmogorov–Smirnov statistic `Dₙ` for finite `n`
 * (scipy's `kstwo`), which scipy's `ks_2samp` evaluates at `n = round(mn / (m + n))` when the samples
 * are too large for the exact two-sample count. The branches follow Simard & L'Ecuyer (2011), as scipy
 * does, so the p-values agree with scipy's: Ruben–Gambino's closed forms at the ends, the Durbin matrix
 * (Marsaglia–Tsang–Wang) where it is cheap, the exact one-sided Smirnov sum doubled in the tail, and
 * the Pelz–Good asymptotic series for large `n`.
 */
const SCALE_EXPONENT = 128;
const SCALE_UP = 2 ** SCALE_EXPONENT;
const SCALE_DOWN = 2 ** -SCALE_EXPONENT;
const LOG_TINY = Math.log(2.2250738585072014e-308);
const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
const SQRT_TWO_PI = Math.sqrt(2 * Math.PI);
const SQRT_THREE = Math.sqrt(3);

const clip = (p: number): number => Math.min(1, Math.max(0, p));

/**
 * `P(Dₙ ≥ x)`, the survival function of the two-sided one-sample KS statistic (scipy's
 * `kstwo.sf(x, n)`). One difference from scipy: for `n ≤ 140` and `0.754693 < n x² ≤ 4` scipy uses
 * Pomeranz's recursion where this uses the Durbin matrix; both are exact, so they differ by rounding.
 */
export function kolmogorovSurvival(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSurvival(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 4) return clip(1 - durbinCdf(n, x));
    return clip(2 * smirnovSurvival(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip(2 * smirnovSurvival(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}

/** `ln(n! / nⁿ)` by Stirling's series with `n ln n` taken out first, so nothing cancels. */
function logFactorialOverPower(n: number): number {
  const inverse = 1 / n;
  const inverseSquared = inverse * inverse;
  // B₂ⱼ / (2j (2j − 1)) for j = 8…1, highest power first.
  const coefficients = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];
  let series = 0;
  for (const c of coefficients) series = series * inverseSquared + c;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + inverse * series;
}

/**
 * `P(Dₙ⁺ ≥ x)`, the one-sided Smirnov tail, by the exact Birnbaum–Tingey sum
 * `x Σⱼ C(n, j) (x + j/n)^(j−1) (1 − x − j/n)^(n−j)` over `j ≤ n(1 − x)`. The binomial coefficient
 * is carried in logs, since it overflows a double beyond n ≈ 1,000.
 */
export function smirnovSurvival(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  if (n === 1) return 1 - x;
  const last = Math.min(Math.floor(n * (1 - x)), n - 1);
  // The j = 0 term is (1 − x)ⁿ, outside the factor x (its (x + j/n)^(j−1) is 1/x).
  const first = Math.exp(n * Math.log1p(-x));
  let sum = 0;
  // ln C(n, j), built step by step with Neumaier's compensation: over 10⁵ steps a plain running sum
  // would drift by ~1e-10, as much as scipy's own lgamma-based sum.
  let logBinomial = Math.log(n);
  let compensation = 0;
  for (let j = 1; j <= last; j++) {
    const at = x + j / n;
    const rest = 1 - at;
    if (rest > 0) sum += Math.exp(logBinomial + compensation + (j - 1) * Math.log(at) + (n - j) * Math.log1p(-at));
    const step = Math.log((n - j) / (j + 1));
    const next = logBinomial + step;
    compensation += Math.abs(logBinomial) >= Math.abs(step) ? logBinomial - next + step : step - next + logBinomial;
    logBinomial = next;
  }
  return clip(sum * x + first);
}

/**
 * `P(Dₙ ≤ d)` by Durbin's matrix method as Marsaglia, Tsang and Wang compute it: the (k, k) entry of
 * `Hⁿ` times `n!/nⁿ`, for `d = (k − h)/n`. Powers of two rescale the entries as they grow, exactly,
 * so the rescaling changes no digit of the result.
 */
export function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let base: Float64Array = new Float64Array(m * m);
  const inverseFactorial = new Float64Array(m + 1);
  inverseFactorial[0] = 1;
  for (let j = 1; j <= m; j++) inverseFactorial[j] = (inverseFactorial[j - 1] as number) / j;
  for (let row = 0; row < m; row++) {
    for (let column = 1; column < m; column++) {
      const gap = row - column + 1;
      if (gap >= 0) base[row * m + column] = inverseFactorial[gap] as number;
    }
    base[row * m] = (1 - h ** (row + 1)) * (inverseFactorial[row + 1] as number);
  }
  for (let column = 0; column < m; column++) {
    base[(m - 1) * m + column] = (1 - h ** (m - column)) * (inverseFactorial[m - column] as number);
  }
  base[(m - 1) * m] = (1 - 2 * h ** m + Math.max(0, 2 * h - 1) ** m) * (inverseFactorial[m] as number);

  let power: Float64Array = identity(m);
  let exponent = 0;
  let baseExponent = 0;
  const corner = (k - 1) * m + (k - 1);
  for (let remaining = n; remaining > 0; remaining = Math.floor(remaining / 2)) {
    if (remaining % 2 === 1) {
      power = multiply(power, base, m);
      exponent += baseExponent;
      if (Math.abs(power[corner] as number) > SCALE_UP) {
        scale(power, SCALE_DOWN);
        exponent += SCALE_EXPONENT;
      }
    }
    base = multiply(base, base, m);
    baseExponent *= 2;
    if (Math.abs(base[corner] as number) > SCALE_UP) {
      scale(base, SCALE_DOWN);
      baseExponent += SCALE_EXPONENT;
    }
  }
  let p = power[corner] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= SCALE_EXPONENT;
    }
  }
  return clip(p * 2 ** exponent);
}

function identity(m: number): Float64Array {
  const matrix = new Float64Array(m * m);
  for (let i = 0; i < m; i++) matrix[i * m + i] = 1;
  return matrix;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const product = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const left = a[i * m + l] as number;
      if (left === 0) continue;
      for (let j = 0; j < m; j++) product[i * m + j] = (product[i * m + j] as number) + left * (b[l * m + j] as number);
    }
  }
  return product;
}

function scale(matrix: Float64Array, factor: number): void {
  for (let i = 0; i < matrix.length; i++) matrix[i] = (matrix[i] as number) * factor;
}

/**
 * The Pelz–Good approximation of `P(Dₙ ≤ x)`: Li-Chien and Korolyuk's expansion
 * `K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^1.5` at `z = x√n`, each term rewritten with Jacobi theta
 * functions so that it converges for small `z`.
 */
export function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qLog = -PI_SQUARED / 8 / z2;
  if (qLog < LOG_TINY) return 0;
  const q = Math.exp(qLog);
  const k1a = -z2;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * z2)) / 16;
  const k3d = (PI_SIX * (5 - 30 * z2)) / 64;
  const k3c = (PI_FOUR * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI_SQUARED * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  // Σ over odd m of cᵢ q^(m²), by Horner in q^(8k): (2k+1)² − (2k−1)² = 8k.
  let k0 = 0;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qPower = q ** (8 * k);
    k0 = k0 * qPower + 1;
    k1 = k1 * qPower + (k1a + k1b * m2);
    k2 = k2 * qPower + (k2a + k2b * m2 + k2c * m4);
    k3 = k3 * qPower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  k0 = (k0 * q * SQRT_TWO_PI) / z;
  k1 = (k1 * q * SQRT_TWO_PI) / (6 * z4);
  k2 = (k2 * q * SQRT_TWO_PI) / (72 * z ** 7);
  k3 = (k3 * q * SQRT_TWO_PI) / (6480 * z ** 10);
  // K₂ and K₃ also hold a sum over all integers k of polynomial(k) q'^(k²), q' = exp(−π²/(2z²)).
  const qAll = Math.exp(-PI_SQUARED / 2 / z2);
  const sqrt3z = SQRT_THREE * z;
  let k2Extra = 0;
  let k3Extra = 0;
  for (let k = maxK; k >= 1; k--) {
    const k2Term = k * k * qAll ** (k * k);
    k2Extra += k2Term;
    k3Extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * k2Term;
  }
  k2 += (k2Extra * PI_SQUARED * SQRT_TWO_PI) / (-36 * z ** 3);
  k3 += (k3Extra * PI_SQUARED * SQRT_TWO_PI) / (216 * z6);
  return k0 + k1 / Math.sqrt(n) + k2 / n + k3 / n ** 1.5;
}
