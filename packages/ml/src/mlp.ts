import { accumulateGradient, activateInPlace, backpropagate, denseForward, multiplyDerivative } from './dense-layer.ts';
import { sigmoid } from './estimator-predict.ts';
import type { FeatureMatrix } from './feature-matrix.ts';
import type { MlpEstimator } from './model-format.ts';
import { createRng, type Rng } from './rng.ts';
import { createPacer, type Pacer, splitRows, type TrainingHooks } from './training-loop.ts';

/** What the network learns: class indices 0..classCount−1, or one real value per row. */
export type MlpTarget =
  | { kind: 'classification'; y: Int32Array; classCount: number }
  | { kind: 'regression'; y: Float64Array };

/** Options of {@link trainMlp}; the defaults are scikit-learn's `MLPClassifier`/`MLPRegressor` ones. */
export interface MlpOptions extends TrainingHooks {
  /** Units per hidden layer. @default [100] */
  hiddenLayers?: number[];
  /** Hidden-layer activation. @default 'relu' */
  activation?: MlpEstimator['activation'];
  /** Most passes over the training rows (scikit-learn's `max_iter` for Adam). @default 200 */
  epochs?: number;
  /** Rows per Adam step; the last batch of an epoch may be smaller. @default min(200, training rows) */
  batchSize?: number;
  /** Adam step size. @default 0.001 */
  learningRate?: number;
  /** L2 penalty on the weights (not the biases), scikit-learn's `alpha`. @default 1e-4 */
  l2?: number;
  /**
   * Share of rows held out (stratified for classification) to watch for overfitting; 0 trains on all
   * rows for all epochs. @default 0.1
   */
  validationFraction?: number;
  /** Epochs without the validation loss improving by more than `tolerance` before stopping. @default 10 */
  patience?: number;
  /** Least improvement of the validation loss that resets `patience`. @default 1e-4 */
  tolerance?: number;
  /** Seeds the initial weights, the validation split and the batch order. @default 0 */
  seed?: number;
}

export interface MlpResult {
  /** With validation, the weights of the epoch with the lowest validation loss. */
  estimator: MlpEstimator;
  /** Epochs run. */
  epochs: number;
  /** Training loss per epoch: mean over batches of data loss + (l2/2)·‖W‖²/batch rows, as scikit-learn's `loss_curve_`. */
  lossCurve: number[];
  /** Mean data loss on the held-out rows per epoch; empty without validation. */
  validationCurve: number[];
  /** True when `patience` ran out before `epochs`. */
  stoppedEarly: boolean;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/**
 * Trains a feed-forward network with Adam on shuffled mini-batches, as scikit-learn's `MLPClassifier` /
 * `MLPRegressor` with `solver='adam'`: Glorot-uniform initialisation, softmax + cross-entropy for more
 * than two classes, one logistic unit + binary cross-entropy for two, identity + squared error / 2 for
 * regression. Early stopping watches the validation loss and restores the best weights. The same seed
 * and data give bit-identical weights.
 *
 * @example
 * const { estimator } = await trainMlp(x, { kind: 'classification', y, classCount: 3 }, { hiddenLayers: [64], seed: 7 });
 * const probabilities = predictMlp(estimator, x); // rows × 3
 */
export async function trainMlp(x: FeatureMatrix, target: MlpTarget, options: MlpOptions = {}): Promise<MlpResult> {
  const settings = resolveOptions(x, target, options);
  const pacer = createPacer(options.signal);
  pacer.due();
  const rng = createRng(settings.seed);
  const initRng = rng.fork();
  const splitRng = rng.fork();
  const batchRng = rng.fork();

  const outputs = target.kind === 'regression' || target.classCount === 2 ? 1 : target.classCount;
  const output: MlpEstimator['output'] =
    target.kind === 'regression' ? 'identity' : outputs === 1 ? 'logistic' : 'softmax';
  const net = new Network([x.cols, ...settings.hiddenLayers, outputs], settings.activation, output);
  net.initialise(initRng);

  const strata = target.kind === 'classification' ? { y: target.y, classCount: target.classCount } : undefined;
  const split =
    settings.validationFraction > 0
      ? splitRows(x.rows, settings.validationFraction, splitRng, strata)
      : { train: Int32Array.from({ length: x.rows }, (_, i) => i), held: new Int32Array(0) };
  if (split.train.length === 0) throw new RangeError('no rows left to train on after the validation split');
  const batchSize = Math.max(1, Math.min(settings.batchSize ?? 200, split.train.length));
  const buffers = net.allocate(batchSize);
  const labels = target.y;

  const order = split.train;
  const adam = new Adam(net.parameters, settings.learningRate);
  let best = Number.POSITIVE_INFINITY;
  let bestParameters: Float64Array | undefined;
  let sinceImprovement = 0;
  const lossCurve: number[] = [];
  const validationCurve: number[] = [];
  let stoppedEarly = false;

  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    batchRng.shuffle(order);
    let accumulated = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      if (pacer.due()) await pacer.pause();
      const end = Math.min(start + batchSize, order.length);
      const rows = end - start;
      net.gather(x, order, start, end, buffers);
      const dataLoss = net.forwardLoss(buffers, rows, labels, order, start);
      const penalty = net.backward(buffers, rows, settings.l2);
      accumulated += (dataLoss + penalty) * rows;
      adam.step(buffers.gradient);
    }
    const loss = accumulated / order.length;
    if (!Number.isFinite(loss)) throw new Error(`training diverged at epoch ${epoch}: try a lower learningRate`);
    lossCurve.push(loss);
    if (split.held.length === 0) {
      options.onIteration?.(epoch, loss);
      continue;
    }
    const validationLoss = await net.meanLoss(x, split.held, labels, buffers, pacer);
    validationCurve.push(validationLoss);
    options.onIteration?.(epoch, loss, validationLoss);
    sinceImprovement = validationLoss > best - settings.tolerance ? sinceImprovement + 1 : 0;
    if (validationLoss < best) {
      best = validationLoss;
      bestParameters ??= new Float64Array(net.parameterCount);
      bestParameters.set(net.parameters);
    }
    if (sinceImprovement >= settings.patience && epoch < settings.epochs) {
      stoppedEarly = true;
      break;
    }
  }
  if (bestParameters !== undefined) net.parameters.set(bestParameters);
  return { estimator: net.toEstimator(), epochs: lossCurve.length, lossCurve, validationCurve, stoppedEarly };
}

function resolveOptions(x: FeatureMatrix, target: MlpTarget, options: MlpOptions) {
  const settings = {
    hiddenLayers: options.hiddenLayers ?? [100],
    activation: options.activation ?? 'relu',
    epochs: options.epochs ?? 200,
    batchSize: options.batchSize,
    learningRate: options.learningRate ?? 0.001,
    l2: options.l2 ?? 1e-4,
    validationFraction: options.validationFraction ?? 0.1,
    patience: options.patience ?? 10,
    tolerance: options.tolerance ?? 1e-4,
    seed: options.seed ?? 0,
  };
  if (x.rows === 0) throw new RangeError('no training rows');
  if (target.y.length !== x.rows) throw new RangeError(`${target.y.length} targets for ${x.rows} rows`);
  if (target.kind === 'classification') {
    if (!(Number.isInteger(target.classCount) && target.classCount >= 2))
      throw new RangeError('classCount must be an integer ≥ 2');
    for (let r = 0; r < x.rows; r++) {
      const label = target.y[r] as number;
      if (label < 0 || label >= target.classCount) throw new RangeError(`row ${r}: class ${label} outside range`);
    }
  }
  if (settings.hiddenLayers.some((units) => !(Number.isInteger(units) && units >= 1)))
    throw new RangeError('hiddenLayers must be positive integers');
  if (!(Number.isInteger(settings.epochs) && settings.epochs >= 1))
    throw new RangeError('epochs must be an integer ≥ 1');
  if (settings.batchSize !== undefined && !(Number.isInteger(settings.batchSize) && settings.batchSize >= 1))
    throw new RangeError('batchSize must be an integer ≥ 1');
  if (!(settings.learningRate > 0)) throw new RangeError('learningRate must be > 0');
  if (!(settings.l2 >= 0)) throw new RangeError('l2 must be ≥ 0');
  if (!(settings.validationFraction >= 0 && settings.validationFraction < 1))
    throw new RangeError('validationFraction must be in [0, 1)');
  if (!(Number.isInteger(settings.patience) && settings.patience >= 1))
    throw new RangeError('patience must be an integer ≥ 1');
  return settings;
}

/**
 * Adam (Kingma & Ba) in scikit-learn's form: the bias corrections are folded into the step size,
 * so ε is added to √v before its correction.
 */
class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(
    private readonly parameters: Float64Array,
    private readonly learningRate: number,
  ) {
    this.m = new Float64Array(parameters.length);
    this.v = new Float64Array(parameters.length);
  }

  step(gradient: Float64Array): void {
    const { parameters, m, v } = this;
    this.t++;
    const rate = (this.learningRate * Math.sqrt(1 - BETA2 ** this.t)) / (1 - BETA1 ** this.t);
    for (let i = 0; i < parameters.length; i++) {
      const g = gradient[i] as number;
      const mi = BETA1 * (m[i] as number) + (1 - BETA1) * g;
      const vi = BETA2 * (v[i] as number) + (1 - BETA2) * g * g;
      m[i] = mi;
      v[i] = vi;
      parameters[i] = (parameters[i] as number) - (rate * mi) / (Math.sqrt(vi) + EPSILON);
    }
  }
}

/** Per-batch working memory, allocated once: activations and deltas per layer, and the gradient. */
interface Buffers {
  batchSize: number;
  /** activations[l]: batch × sizes[l]; activations[0] is the input batch. */
  activations: Float64Array[];
  /** deltas[l]: ∂loss/∂z of layer l's pre-activations, batch × sizes[l] (index 0 unused). */
  deltas: Float64Array[];
  gradient: Float64Array;
}

/**
 * A feed-forward network and its batch kernels; exported for the gradient checks in the tests.
 * The network's parameters live in one flat buffer: for each layer, its weights [out][in] row-major (the
 * model format's order, and contiguous for the dot products of the forward pass), then its biases.
 */
export class Network {
  readonly parameters: Float64Array;
  readonly parameterCount: number;
  private readonly offsets: number[] = [];

  constructor(
    private readonly sizes: number[],
    private readonly activation: MlpEstimator['activation'],
    private readonly output: MlpEstimator['output'],
  ) {
    let count = 0;
    for (let l = 1; l < sizes.length; l++) {
      this.offsets.push(count);
      count += ((sizes[l - 1] as number) + 1) * (sizes[l] as number);
    }
    this.parameterCount = count;
    this.parameters = new Float64Array(count);
  }

  /** Glorot uniform, weights and biases alike, with scikit-learn's bound √(6 / (in + out)) (√2 for logistic units). */
  initialise(rng: Rng): void {
    const factor = this.activation === 'logistic' ? 2 : 6;
    for (let l = 1; l < this.sizes.length; l++) {
      const fanIn = this.sizes[l - 1] as number;
      const fanOut = this.sizes[l] as number;
      const bound = Math.sqrt(factor / (fanIn + fanOut));
      const offset = this.offsets[l - 1] as number;
      for (let i = 0; i < (fanIn + 1) * fanOut; i++) this.parameters[offset + i] = (2 * rng.next() - 1) * bound;
    }
  }

  allocate(batchSize: number): Buffers {
    return {
      batchSize,
      activations: this.sizes.map((size) => new Float64Array(batchSize * size)),
      deltas: this.sizes.map((size) => new Float64Array(batchSize * size)),
      gradient: new Float64Array(this.parameterCount),
    };
  }

  /** Copies rows `order[start..end)` into the input buffer. */
  gather(x: FeatureMatrix, order: Int32Array, start: number, end: number, buffers: Buffers): void {
    const input = buffers.activations[0] as Float64Array;
    const { cols, data } = x;
    for (let i = start, to = 0; i < end; i++) {
      const from = (order[i] as number) * cols;
      for (let c = 0; c < cols; c++, to++) input[to] = data[from + c] as number;
    }
  }

  /**
   * Forward pass over the first `rows` rows of the input buffer. Leaves the output layer's delta
   * (prediction − target, divided by `rows`) in `deltas` and returns the mean data loss.
   */
  forwardLoss(buffers: Buffers, rows: number, labels: Int32Array | Float64Array, order: Int32Array, start: number) {
    const { sizes, parameters: p } = this;
    const last = sizes.length - 1;
    for (let l = 1; l <= last; l++) {
      const inputs = sizes[l - 1] as number;
      const units = sizes[l] as number;
      const z = buffers.activations[l] as Float64Array;
      const weights = this.offsets[l - 1] as number;
      denseForward(
        p,
        weights,
        weights + inputs * units,
        buffers.activations[l - 1] as Float64Array,
        z,
        rows,
        inputs,
        units,
      );
      if (l < last) activateInPlace(this.activation, z, rows * units);
    }
    const units = sizes[last] as number;
    const z = buffers.activations[last] as Float64Array;
    const delta = buffers.deltas[last] as Float64Array;
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * units;
      const label = labels[order[start + r] as number] as number;
      if (this.output === 'identity') {
        const error = (z[o] as number) - label;
        loss += 0.5 * error * error;
        delta[o] = error / rows;
      } else if (this.output === 'logistic') {
        const s = z[o] as number;
        // −[y·log σ(s) + (1−y)·log(1−σ(s))] = log(1 + eˢ) − y·s, computed without overflow.
        loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - label * s;
        delta[o] = (sigmoid(s) - label) / rows;
      } else {
        let max = Number.NEGATIVE_INFINITY;
        for (let u = 0; u < units; u++) max = Math.max(max, z[o + u] as number);
        let sum = 0;
        for (let u = 0; u < units; u++) {
          const e = Math.exp((z[o + u] as number) - max);
          delta[o + u] = e;
          sum += e;
        }
        loss += max + Math.log(sum) - (z[o + label] as number);
        for (let u = 0; u < units; u++) delta[o + u] = (delta[o + u] as number) / sum / rows;
        delta[o + label] = (delta[o + label] as number) - 1 / rows;
      }
    }
    return loss / rows;
  }

  /** Backpropagates the output delta into `buffers.gradient`; returns the batch's L2 term (l2/2)·‖W‖²/rows. */
  backward(buffers: Buffers, rows: number, l2: number): number {
    const { sizes, parameters: p } = this;
    const gradient = buffers.gradient;
    gradient.fill(0);
    let squares = 0;
    for (let l = sizes.length - 1; l >= 1; l--) {
      const inputs = sizes[l - 1] as number;
      const units = sizes[l] as number;
      const a = buffers.activations[l - 1] as Float64Array;
      const delta = buffers.deltas[l] as Float64Array;
      const weights = this.offsets[l - 1] as number;
      const biases = weights + inputs * units;
      accumulateGradient(gradient, weights, biases, delta, a, rows, inputs, units);
      if (l > 1) {
        const below = buffers.deltas[l - 1] as Float64Array;
        backpropagate(p, weights, delta, below, rows, inputs, units);
        multiplyDerivative(this.activation, a, below, rows * inputs);
      }
      for (let i = weights; i < biases; i++) {
        const w = p[i] as number;
        squares += w * w;
        gradient[i] = (gradient[i] as number) + (l2 * w) / rows;
      }
    }
    return (0.5 * l2 * squares) / rows;
  }

  /** Mean data loss over `rows` (no penalty), in batches through the same buffers. */
  async meanLoss(
    x: FeatureMatrix,
    rows: Int32Array,
    labels: Int32Array | Float64Array,
    buffers: Buffers,
    pacer: Pacer,
  ) {
    let total = 0;
    for (let start = 0; start < rows.length; start += buffers.batchSize) {
      if (pacer.due()) await pacer.pause();
      const end = Math.min(start + buffers.batchSize, rows.length);
      this.gather(x, rows, start, end, buffers);
      total += this.forwardLoss(buffers, end - start, labels, rows, start) * (end - start);
    }
    return total / rows.length;
  }

  toEstimator(): MlpEstimator {
    const layers: MlpEstimator['layers'] = [];
    for (let l = 1; l < this.sizes.length; l++) {
      const inputs = this.sizes[l - 1] as number;
      const units = this.sizes[l] as number;
      const offset = this.offsets[l - 1] as number;
      const weights: number[][] = [];
      for (let u = 0; u < units; u++)
        weights.push(Array.from(this.parameters.subarray(offset + u * inputs, offset + (u + 1) * inputs)));
      const biases = Array.from(this.parameters.subarray(offset + units * inputs, offset + units * (inputs + 1)));
      layers.push({ weights, biases });
    }
    return { kind: 'mlp', activation: this.activation, output: this.output, layers };
  }
}
