/**
 * A small seeded generator for tests and benches: the same seed gives the same data on every machine,
 * which `Math.random` cannot.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean?: number, std?: number): number;
  /** One of `values`, with probabilities proportional to `weights`. */
  pick<T>(values: readonly T[], weights: readonly number[]): T;
}

/** mulberry32: 32-bit state, passes the usual statistical batteries for this kind of use. */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  let spare: number | undefined;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    normal(mean = 0, std = 1) {
      if (spare !== undefined) {
        const z = spare;
        spare = undefined;
        return mean + std * z;
      }
      let u = 0;
      while (u === 0) u = uniform();
      const v = uniform();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return mean + std * radius * Math.cos(2 * Math.PI * v);
    },
    pick(values, weights) {
      let total = 0;
      for (const w of weights) total += w;
      let at = uniform() * total;
      for (let i = 0; i < values.length; i++) {
        at -= weights[i] as number;
        if (at < 0) return values[i] as (typeof values)[number];
      }
      return values[values.length - 1] as (typeof values)[number];
    },
  };
}
