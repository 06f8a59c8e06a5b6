import { createPacer, type Pacer } from './training-loop.ts';

/**
 * A smooth function to minimise: returns f(x) and writes ∇f(x) into `gradient` (same length as `x`).
 * It must not keep `x` or `gradient`: the minimiser reuses both buffers.
 */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Most iterations (accepted steps). @default 100 */
  maxIterations?: number;
  /** Converged when every |∂f/∂xᵢ| ≤ this, as SciPy's L-BFGS-B `gtol`. @default 1e-5 */
  gradientTolerance?: number;
  /**
   * Converged when an iteration lowers f by no more than this relative to max(|f|, 1), as SciPy's
   * L-BFGS-B `ftol`. @default 2.220446049250313e-9 (SciPy's default, `factr` 1e7)
   */
  functionTolerance?: number;
  /** Correction pairs kept for the inverse-Hessian approximation. @default 10 */
  memory?: number;
  /** Most function evaluations in one line search. @default 50 */
  maxLineSearch?: number;
  /** Rejects with `signal.reason` at the next function evaluation after an abort. */
  signal?: AbortSignal;
  /** Called after each accepted step with its 1-based number and f at the new point. */
  onIteration?(iteration: number, value: number): void;
}

/** Why {@link minimizeLbfgs} stopped. */
export type LbfgsStop = 'gradient' | 'function' | 'maxIterations' | 'lineSearch';

export interface LbfgsResult {
  /** The last accepted point (a new buffer, not `x0`). */
  x: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  /** True when stopped by the gradient or function tolerance. */
  converged: boolean;
  stop: LbfgsStop;
}

// Wolfe constants as in Nocedal & Wright: a loose curvature condition suits quasi-Newton directions.
const SUFFICIENT_DECREASE = 1e-4;
const CURVATURE = 0.9;

/**
 * Minimises `objective` from `x0` with limited-memory BFGS (two-loop recursion) and a line search
 * that enforces the strong Wolfe conditions (bracketing, then cubic-interpolation zoom; Nocedal &
 * Wright, algorithms 3.5 and 3.6). The first step has length 1 along −∇f, as in SciPy. Deterministic:
 * the same objective and start give the same iterates.
 *
 * @example
 * const { x } = await minimizeLbfgs((p, g) => { g[0] = 2 * (p[0] - 3); return (p[0] - 3) ** 2; }, new Float64Array(1));
 */
export async function minimizeLbfgs(
  objective: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): Promise<LbfgsResult> {
  const maxIterations = options.maxIterations ?? 100;
  const gradientTolerance = options.gradientTolerance ?? 1e-5;
  const functionTolerance = options.functionTolerance ?? 2.220446049250313e-9;
  const memory = Math.max(1, options.memory ?? 10);
  const n = x0.length;
  const pacer = createPacer(options.signal);
  pacer.due();

  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const d = new Float64Array(n);
  const search = new LineSearch(objective, n, options.maxLineSearch ?? 50, pacer);
  // Ring buffers of correction pairs: s = x_{k+1} − x_k, y = g_{k+1} − g_k.
  const s = new Float64Array(memory * n);
  const y = new Float64Array(memory * n);
  const rho = new Float64Array(memory);
  const alpha = new Float64Array(memory);
  let stored = 0;
  let newest = -1;

  let f = objective(x, g);
  search.evaluations = 1;
  if (!Number.isFinite(f)) throw new RangeError('the objective is not finite at the starting point');
  let iterations = 0;
  let stop: LbfgsStop = 'maxIterations';
  if (maxAbs(g) <= gradientTolerance) stop = 'gradient';

  while (stop === 'maxIterations' && iterations < maxIterations) {
    twoLoop(g, d, s, y, rho, alpha, stored, newest, memory);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Rounding can spoil the curvature pairs; steepest descent is always a descent direction.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -(g[i] as number);
      slope = dot(g, d);
    }
    const initialStep = stored === 0 ? 1 / Math.sqrt(dot(d, d)) : 1;
    let step = await search.run(x, f, d, slope, initialStep);
    if (step === 0 && stored > 0) {
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -(g[i] as number);
      slope = dot(g, d);
      step = await search.run(x, f, d, slope, 1 / Math.sqrt(-slope));
    }
    if (step === 0) {
      stop = 'lineSearch';
      break;
    }
    const slot = (newest + 1) % memory;
    const so = slot * n;
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const si = (search.x[i] as number) - (x[i] as number);
      const yi = (search.g[i] as number) - (g[i] as number);
      s[so + i] = si;
      y[so + i] = yi;
      sy += si * yi;
      yy += yi * yi;
    }
    // Strong Wolfe guarantees sy > 0 in exact arithmetic; skip pairs that rounding made useless.
    if (sy > 2.220446049250313e-16 * yy) {
      rho[slot] = 1 / sy;
      newest = slot;
      stored = Math.min(stored + 1, memory);
    } else if (stored === memory) {
      // The rejected pair overwrote the oldest slot, which no longer holds a valid pair.
      stored--;
    }
    const previous = f;
    x.set(search.x);
    g.set(search.g);
    f = search.f;
    iterations++;
    options.onIteration?.(iterations, f);
    if (maxAbs(g) <= gradientTolerance) stop = 'gradient';
    else if (previous - f <= functionTolerance * Math.max(Math.abs(previous), Math.abs(f), 1)) stop = 'function';
  }
  return {
    x,
    value: f,
    iterations,
    evaluations: search.evaluations,
    converged: stop === 'gradient' || stop === 'function',
    stop,
  };
}

/** d = −H·g, with H the L-BFGS inverse-Hessian approximation scaled by sᵀy / yᵀy of the newest pair. */
function twoLoop(
  g: Float64Array,
  d: Float64Array,
  s: Float64Array,
  y: Float64Array,
  rho: Float64Array,
  alpha: Float64Array,
  stored: number,
  newest: number,
  memory: number,
): void {
  const n = g.length;
  for (let i = 0; i < n; i++) d[i] = -(g[i] as number);
  if (stored === 0) return;
  for (let k = 0, slot = newest; k < stored; k++, slot = (slot - 1 + memory) % memory) {
    const o = slot * n;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (s[o + i] as number) * (d[i] as number);
    const a = (rho[slot] as number) * sq;
    alpha[slot] = a;
    for (let i = 0; i < n; i++) d[i] = (d[i] as number) - a * (y[o + i] as number);
  }
  const no = newest * n;
  let yy = 0;
  for (let i = 0; i < n; i++) yy += (y[no + i] as number) ** 2;
  const gamma = 1 / ((rho[newest] as number) * yy);
  for (let i = 0; i < n; i++) d[i] = (d[i] as number) * gamma;
  for (let k = 0, slot = (newest - stored + 1 + memory) % memory; k < stored; k++, slot = (slot + 1) % memory) {
    const o = slot * n;
    let yr = 0;
    for (let i = 0; i < n; i++) yr += (y[o + i] as number) * (d[i] as number);
    const b = (alpha[slot] as number) - (rho[slot] as number) * yr;
    for (let i = 0; i < n; i++) d[i] = (d[i] as number) + b * (s[o + i] as number);
  }
}

/** φ(α) = f(x + α·d) along a descent direction; holds the trial point of the last evaluation. */
class LineSearch {
  readonly x: Float64Array;
  readonly g: Float64Array;
  f = 0;
  evaluations = 0;
  private origin: Float64Array;
  private direction: Float64Array;

  constructor(
    private readonly objective: Objective,
    n: number,
    private readonly maxEvaluations: number,
    private readonly pacer: Pacer,
  ) {
    this.x = new Float64Array(n);
    this.g = new Float64Array(n);
    this.origin = this.x;
    this.direction = this.g;
  }

  /**
   * Returns a step satisfying the strong Wolfe conditions, with `x`, `g`, `f` at that point, or 0 when
   * none was found within the evaluation budget.
   */
  async run(origin: Float64Array, f0: number, direction: Float64Array, slope0: number, initial: number) {
    this.origin = origin;
    this.direction = direction;
    const armijo = (step: number, value: number) => value <= f0 + SUFFICIENT_DECREASE * step * slope0;
    const curvatureOk = (slope: number) => Math.abs(slope) <= -CURVATURE * slope0;
    let previous = { step: 0, f: f0, slope: slope0 };
    let step = initial;
    let budget = this.maxEvaluations;
    // Bracketing phase: grow the step until it overshoots (Armijo fails, f rises, or the slope turns).
    let lo = previous;
    let hi = previous;
    for (let first = true; ; first = false) {
      if (budget-- <= 0) return 0;
      const current = await this.evaluate(step);
      if (!armijo(step, current.f) || (!first && current.f >= previous.f)) {
        lo = previous;
        hi = current;
        break;
      }
      if (curvatureOk(current.slope)) return step;
      if (current.slope >= 0) {
        lo = current;
        hi = previous;
        break;
      }
      const next = cubicMinimum(previous, current);
      const grown = Number.isFinite(next) ? next : 4 * step;
      previous = current;
      step = Math.min(Math.max(grown, step * 1.1), step * 10);
    }
    // Zoom phase: `lo` satisfies Armijo with the lowest f seen; the minimiser lies between lo and hi.
    while (budget-- > 0) {
      const width = hi.step - lo.step;
      if (Math.abs(width) <= 1e-12 * Math.max(Math.abs(lo.step), 1e-12)) break;
      let trial = Number.isFinite(hi.f) ? cubicMinimum(lo, hi) : Number.NaN;
      const low = Math.min(lo.step, hi.step) + 0.1 * Math.abs(width);
      const high = Math.max(lo.step, hi.step) - 0.1 * Math.abs(width);
      if (!(trial >= low && trial <= high)) trial = lo.step + width / 2;
      const current = await this.evaluate(trial);
      if (!armijo(trial, current.f) || current.f >= lo.f) hi = current;
      else {
        if (curvatureOk(current.slope)) return trial;
        if (current.slope * width >= 0) hi = lo;
        lo = current;
      }
    }
    // Out of budget: a step with sufficient decrease still makes progress, so take it.
    if (lo.step > 0) {
      await this.evaluate(lo.step);
      return lo.step;
    }
    return 0;
  }

  private async evaluate(step: number): Promise<{ step: number; f: number; slope: number }> {
    if (this.pacer.due()) await this.pacer.pause();
    const { x, g, origin, direction } = this;
    for (let i = 0; i < x.length; i++) x[i] = (origin[i] as number) + step * (direction[i] as number);
    const value = this.objective(x, g);
    this.evaluations++;
    // Overflow counts as "too far": the zoom phase then bisects back towards finite values.
    this.f = Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
    return { step, f: this.f, slope: dot(g, direction) };
  }
}

/** Minimiser of the cubic through two points with their slopes; NaN when it has none. */
function cubicMinimum(
  a: { step: number; f: number; slope: number },
  b: { step: number; f: number; slope: number },
): number {
  const d1 = a.slope + b.slope - (3 * (a.f - b.f)) / (a.step - b.step);
  const squared = d1 * d1 - a.slope * b.slope;
  if (!(squared >= 0)) return Number.NaN;
  const d2 = Math.sign(b.step - a.step) * Math.sqrt(squared);
  return b.step - ((b.step - a.step) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] as number));
  return max;
}
