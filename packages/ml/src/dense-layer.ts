import { sigmoid } from './estimator-predict.ts';
import type { MlpEstimator } from './model-format.ts';

/*
 * Kernels of a fully connected layer over a batch, on flat row-major buffers: activations are
 * batch × width, a layer's weights are units × inputs starting at `weights` in the parameter buffer,
 * its biases `units` values at `biases`. The loops work on blocks (2 rows × 4 units forward, 4 rows ×
 * 2 units for the weight gradient, 4 units backward) so that each value loaded from memory feeds several
 * multiply-adds held in registers: measured under V8, this halves the training time of an MLP.
 * Sums always run in the same order, so results are bit-identical from run to run.
 */

/** z[r, u] = biases[u] + Σ_c W[u, c]·a[r, c], for the first `rows` rows. */
export function denseForward(
  p: Float64Array,
  weights: number,
  biases: number,
  a: Float64Array,
  z: Float64Array,
  rows: number,
  inputs: number,
  units: number,
): void {
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const a0 = r * inputs;
    const a1 = a0 + inputs;
    const z0 = r * units;
    const z1 = z0 + units;
    let u = 0;
    for (; u + 4 <= units; u += 4) {
      const w0 = weights + u * inputs;
      const w1 = w0 + inputs;
      const w2 = w1 + inputs;
      const w3 = w2 + inputs;
      const b0 = p[biases + u] as number;
      const b1 = p[biases + u + 1] as number;
      const b2 = p[biases + u + 2] as number;
      const b3 = p[biases + u + 3] as number;
      let s00 = b0;
      let s01 = b1;
      let s02 = b2;
      let s03 = b3;
      let s10 = b0;
      let s11 = b1;
      let s12 = b2;
      let s13 = b3;
      for (let c = 0; c < inputs; c++) {
        const v0 = a[a0 + c] as number;
        const v1 = a[a1 + c] as number;
        const x0 = p[w0 + c] as number;
        const x1 = p[w1 + c] as number;
        const x2 = p[w2 + c] as number;
        const x3 = p[w3 + c] as number;
        s00 += x0 * v0;
        s01 += x1 * v0;
        s02 += x2 * v0;
        s03 += x3 * v0;
        s10 += x0 * v1;
        s11 += x1 * v1;
        s12 += x2 * v1;
        s13 += x3 * v1;
      }
      z[z0 + u] = s00;
      z[z0 + u + 1] = s01;
      z[z0 + u + 2] = s02;
      z[z0 + u + 3] = s03;
      z[z1 + u] = s10;
      z[z1 + u + 1] = s11;
      z[z1 + u + 2] = s12;
      z[z1 + u + 3] = s13;
    }
    for (; u < units; u++) {
      const wo = weights + u * inputs;
      let t0 = p[biases + u] as number;
      let t1 = t0;
      for (let c = 0; c < inputs; c++) {
        const w = p[wo + c] as number;
        t0 += w * (a[a0 + c] as number);
        t1 += w * (a[a1 + c] as number);
      }
      z[z0 + u] = t0;
      z[z1 + u] = t1;
    }
  }
  for (; r < rows; r++) {
    const ao = r * inputs;
    for (let u = 0; u < units; u++) {
      const wo = weights + u * inputs;
      let sum = p[biases + u] as number;
      for (let c = 0; c < inputs; c++) sum += (p[wo + c] as number) * (a[ao + c] as number);
      z[r * units + u] = sum;
    }
  }
}

/** gradient[W[u, c]] += Σ_r δ[r, u]·a[r, c] and gradient[biases[u]] += Σ_r δ[r, u]. */
export function accumulateGradient(
  gradient: Float64Array,
  weights: number,
  biases: number,
  delta: Float64Array,
  a: Float64Array,
  rows: number,
  inputs: number,
  units: number,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const a0 = r * inputs;
    const a1 = a0 + inputs;
    const a2 = a1 + inputs;
    const a3 = a2 + inputs;
    const d0o = r * units;
    const d1o = d0o + units;
    const d2o = d1o + units;
    const d3o = d2o + units;
    let u = 0;
    for (; u + 2 <= units; u += 2) {
      const d00 = delta[d0o + u] as number;
      const d10 = delta[d1o + u] as number;
      const d20 = delta[d2o + u] as number;
      const d30 = delta[d3o + u] as number;
      const d01 = delta[d0o + u + 1] as number;
      const d11 = delta[d1o + u + 1] as number;
      const d21 = delta[d2o + u + 1] as number;
      const d31 = delta[d3o + u + 1] as number;
      gradient[biases + u] = (gradient[biases + u] as number) + d00 + d10 + d20 + d30;
      gradient[biases + u + 1] = (gradient[biases + u + 1] as number) + d01 + d11 + d21 + d31;
      const w0 = weights + u * inputs;
      const w1 = w0 + inputs;
      for (let c = 0; c < inputs; c++) {
        const x0 = a[a0 + c] as number;
        const x1 = a[a1 + c] as number;
        const x2 = a[a2 + c] as number;
        const x3 = a[a3 + c] as number;
        gradient[w0 + c] = (gradient[w0 + c] as number) + d00 * x0 + d10 * x1 + d20 * x2 + d30 * x3;
        gradient[w1 + c] = (gradient[w1 + c] as number) + d01 * x0 + d11 * x1 + d21 * x2 + d31 * x3;
      }
    }
    for (; u < units; u++) {
      const d0 = delta[d0o + u] as number;
      const d1 = delta[d1o + u] as number;
      const d2 = delta[d2o + u] as number;
      const d3 = delta[d3o + u] as number;
      gradient[biases + u] = (gradient[biases + u] as number) + d0 + d1 + d2 + d3;
      const wo = weights + u * inputs;
      for (let c = 0; c < inputs; c++) {
        gradient[wo + c] =
          (gradient[wo + c] as number) +
          d0 * (a[a0 + c] as number) +
          d1 * (a[a1 + c] as number) +
          d2 * (a[a2 + c] as number) +
          d3 * (a[a3 + c] as number);
      }
    }
  }
  for (; r < rows; r++) {
    const ao = r * inputs;
    for (let u = 0; u < units; u++) {
      const d = delta[r * units + u] as number;
      if (d === 0) continue;
      gradient[biases + u] = (gradient[biases + u] as number) + d;
      const wo = weights + u * inputs;
      for (let c = 0; c < inputs; c++) gradient[wo + c] = (gradient[wo + c] as number) + d * (a[ao + c] as number);
    }
  }
}

/** below[r, c] = Σ_u δ[r, u]·W[u, c]: the delta of the layer's inputs before their activation's derivative. */
export function backpropagate(
  p: Float64Array,
  weights: number,
  delta: Float64Array,
  below: Float64Array,
  rows: number,
  inputs: number,
  units: number,
): void {
  below.fill(0, 0, rows * inputs);
  for (let r = 0; r < rows; r++) {
    const bo = r * inputs;
    const dO = r * units;
    let u = 0;
    for (; u + 4 <= units; u += 4) {
      const d0 = delta[dO + u] as number;
      const d1 = delta[dO + u + 1] as number;
      const d2 = delta[dO + u + 2] as number;
      const d3 = delta[dO + u + 3] as number;
      if (d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
      const w0 = weights + u * inputs;
      const w1 = w0 + inputs;
      const w2 = w1 + inputs;
      const w3 = w2 + inputs;
      for (let c = 0; c < inputs; c++) {
        below[bo + c] =
          (below[bo + c] as number) +
          d0 * (p[w0 + c] as number) +
          d1 * (p[w1 + c] as number) +
          d2 * (p[w2 + c] as number) +
          d3 * (p[w3 + c] as number);
      }
    }
    for (; u < units; u++) {
      const d = delta[dO + u] as number;
      if (d === 0) continue;
      const wo = weights + u * inputs;
      for (let c = 0; c < inputs; c++) below[bo + c] = (below[bo + c] as number) + d * (p[wo + c] as number);
    }
  }
}

/** Applies the activation to the first `length` values of `z`, in place. */
export function activateInPlace(kind: MlpEstimator['activation'], z: Float64Array, length: number): void {
  if (kind === 'relu')
    // (v + |v|) / 2 is max(v, 0) exactly, without a branch that mispredicts on half of the units.
    for (let i = 0; i < length; i++) {
      const v = z[i] as number;
      z[i] = (v + Math.abs(v)) * 0.5;
    }
  else if (kind === 'tanh') for (let i = 0; i < length; i++) z[i] = Math.tanh(z[i] as number);
  else for (let i = 0; i < length; i++) z[i] = sigmoid(z[i] as number);
}

/** delta[i] *= f′ of the activation, computed from its output a[i]. */
export function multiplyDerivative(
  kind: MlpEstimator['activation'],
  a: Float64Array,
  delta: Float64Array,
  length: number,
): void {
  // ReLU outputs are ≥ 0, so their sign is the derivative, 0 or 1, again without a branch.
  if (kind === 'relu') for (let i = 0; i < length; i++) delta[i] = (delta[i] as number) * Math.sign(a[i] as number);
  else if (kind === 'tanh')
    for (let i = 0; i < length; i++) delta[i] = (delta[i] as number) * (1 - (a[i] as number) ** 2);
  else
    for (let i = 0; i < length; i++) {
      const ai = a[i] as number;
      delta[i] = (delta[i] as number) * ai * (1 - ai);
    }
}
