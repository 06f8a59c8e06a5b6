import { describe, expect, it } from 'vitest';
import { minimizeLbfgs, type Objective } from './lbfgs.ts';

/** Σ 100·(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at (1, …, 1). */
const rosenbrock: Objective = (x, gradient) => {
  gradient.fill(0);
  let value = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] as number;
    const b = x[i + 1] as number;
    value += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    gradient[i] = (gradient[i] as number) - 400 * a * (b - a * a) - 2 * (1 - a);
    gradient[i + 1] = (gradient[i + 1] as number) + 200 * (b - a * a);
  }
  return value;
};

/** ½ Σ cᵢ (xᵢ − i)² with condition number 10⁴: minimum at xᵢ = i. */
const illConditioned: Objective = (x, gradient) => {
  let value = 0;
  for (let i = 0; i < x.length; i++) {
    const curvature = 10 ** ((4 * i) / (x.length - 1));
    const offset = (x[i] as number) - i;
    value += 0.5 * curvature * offset * offset;
    gradient[i] = curvature * offset;
  }
  return value;
};

describe('minimizeLbfgs', () => {
  it('finds the minimum of the 2-D Rosenbrock function from (−1.2, 1)', async () => {
    const result = await minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), {
      maxIterations: 200,
      gradientTolerance: 1e-8,
      functionTolerance: 0,
    });
    expect(result.converged).toBe(true);
    expect(result.stop).toBe('gradient');
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
    // A line search worth its name needs few evaluations per iteration on this valley.
    expect(result.evaluations).toBeLessThan(2 * result.iterations + 10);
  });

  it('finds the minimum of a 10-D Rosenbrock function', async () => {
    const result = await minimizeLbfgs(rosenbrock, new Float64Array(10), {
      maxIterations: 500,
      gradientTolerance: 1e-8,
      functionTolerance: 0,
    });
    expect(result.converged).toBe(true);
    for (const value of result.x) expect(value).toBeCloseTo(1, 5);
  });

  it('solves an ill-conditioned quadratic to high accuracy', async () => {
    // With 10 pairs for 30 distinct curvatures L-BFGS converges linearly: SciPy needs 939 iterations.
    const result = await minimizeLbfgs(illConditioned, new Float64Array(30), {
      maxIterations: 3000,
      gradientTolerance: 1e-10,
      functionTolerance: 0,
    });
    expect(result.stop).toBe('gradient');
    expect(result.iterations).toBeLessThan(1200);
    result.x.forEach((value, i) => {
      expect(value).toBeCloseTo(i, 8);
    });
  });

  it('reports each accepted step with a non-increasing value', async () => {
    const values: number[] = [];
    const result = await minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), {
      onIteration: (iteration, value) => {
        expect(iteration).toBe(values.length + 1);
        values.push(value);
      },
    });
    expect(values).toHaveLength(result.iterations);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1] as number);
    expect(values.at(-1)).toBe(result.value);
  });

  it('stops unconverged at maxIterations and leaves x0 untouched', async () => {
    const x0 = Float64Array.of(-1.2, 1);
    const result = await minimizeLbfgs(rosenbrock, x0, { maxIterations: 3 });
    expect(result).toMatchObject({ iterations: 3, converged: false, stop: 'maxIterations' });
    expect(Array.from(x0)).toEqual([-1.2, 1]);
  });

  it('stops by the function tolerance when f stalls', async () => {
    // |x| has a kink at 0: the gradient never falls below 1, so only the stalled value can end it.
    const absolute: Objective = (x, gradient) => {
      gradient[0] = Math.sign(x[0] as number) || 1;
      return Math.abs(x[0] as number);
    };
    const result = await minimizeLbfgs(absolute, Float64Array.of(3), { maxIterations: 1000 });
    expect(result.converged).toBe(true);
    expect(['function', 'lineSearch']).toContain(result.stop);
    expect(Math.abs(result.x[0] as number)).toBeLessThan(1e-6);
  });

  it('is deterministic', async () => {
    const one = await minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1, 0.5));
    const two = await minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1, 0.5));
    expect(Array.from(two.x)).toEqual(Array.from(one.x));
    expect(two.evaluations).toBe(one.evaluations);
  });

  it('recovers from an overflowing trial step', async () => {
    // exp grows so fast that the first unit step overflows to Infinity; the search must back off.
    const steep: Objective = (x, gradient) => {
      const v = x[0] as number;
      gradient[0] = Math.exp(v) - 1000;
      return Math.exp(v) - 1000 * v;
    };
    const result = await minimizeLbfgs(steep, Float64Array.of(-800), { gradientTolerance: 1e-9, functionTolerance: 0 });
    expect(result.x[0]).toBeCloseTo(Math.log(1000), 8);
  });

  it('rejects with the abort reason, also when aborted beforehand', async () => {
    const before = new AbortController();
    before.abort(new Error('cancelled early'));
    await expect(minimizeLbfgs(rosenbrock, Float64Array.of(0, 0), { signal: before.signal })).rejects.toThrow(
      'cancelled early',
    );

    const during = new AbortController();
    const slow: Objective = (x, gradient) => {
      const until = performance.now() + 2;
      while (performance.now() < until) {
        // Stands in for an expensive objective.
      }
      return rosenbrock(x, gradient);
    };
    setTimeout(() => during.abort(new Error('stop now')), 30);
    const started = performance.now();
    await expect(
      minimizeLbfgs(slow, new Float64Array(50), { signal: during.signal, maxIterations: 10_000, gradientTolerance: 0 }),
    ).rejects.toThrow('stop now');
    expect(performance.now() - started).toBeLessThan(500);
  });
});
