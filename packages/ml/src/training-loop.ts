import type { Rng } from './rng.ts';

/**
 * What every trainer accepts besides its own options: a way to cancel it and a progress callback.
 *
 * @example
 * const controller = new AbortController();
 * await trainMlp(x, target, { signal: controller.signal, onIteration: (epoch, loss) => log(epoch, loss) });
 */
export interface TrainingHooks {
  /** Aborting it makes the trainer reject with `signal.reason` at its next checkpoint (within ~50 ms). */
  signal?: AbortSignal;
  /**
   * Called once per iteration (an L-BFGS iteration, an epoch, or the single solve of a closed form) with
   * its 1-based number and the training loss; `validationLoss` only where the trainer holds data out.
   */
  onIteration?(iteration: number, loss: number, validationLoss?: number): void;
}

/**
 * Splits long synchronous numeric work into slices, so that a trainer running on the main thread (the
 * designer's preview) or in a worker that also handles messages never holds the event loop for long.
 */
export interface Pacer {
  /** Throws `signal.reason` when aborted; true when the current slice is used up and `pause()` is due. */
  due(): boolean;
  /** Yields to the event loop (a macrotask, so timers and messages run), then checks the signal again. */
  pause(): Promise<void>;
}

/**
 * Creates a pacer. A trainer calls `if (pacer.due()) await pacer.pause();` between units of work (a
 * mini-batch, a function evaluation, a block of rows).
 *
 * @param sliceMs - how long a slice of work may run before yielding. @default 25 — short enough that a
 * slice plus the unit of work in flight stays under ~50 ms, long enough that browsers' 4 ms clamp on
 * nested timers costs little.
 */
export function createPacer(signal: AbortSignal | undefined, sliceMs = 25): Pacer {
  let sliceStart = now();
  return {
    due() {
      signal?.throwIfAborted();
      return now() - sliceStart >= sliceMs;
    },
    async pause() {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      signal?.throwIfAborted();
      sliceStart = now();
    },
  };
}

function now(): number {
  return performance.now();
}

/**
 * Splits `0..rows-1` into a training and a held-out part, after a seeded shuffle. With `strata` (class
 * indices) each class contributes its share to the held-out part, as scikit-learn's stratified split
 * does, so that a rare class is not missing from either side. Both parts come back in ascending order,
 * which keeps memory access sequential when rows are gathered.
 *
 * @param fraction - share of rows held out, rounded up per class (at least one row overall).
 */
export function splitRows(
  rows: number,
  fraction: number,
  rng: Rng,
  strata?: { y: Int32Array; classCount: number },
): { train: Int32Array; held: Int32Array } {
  const isHeld = new Uint8Array(rows);
  const groups: number[][] = [];
  if (strata === undefined) groups.push(Array.from({ length: rows }, (_, i) => i));
  else {
    for (let k = 0; k < strata.classCount; k++) groups.push([]);
    for (let i = 0; i < rows; i++) (groups[strata.y[i] as number] as number[]).push(i);
  }
  let heldCount = 0;
  for (const group of groups) {
    rng.shuffle(group);
    // Never hold out a class's only row: training would not see that class at all.
    // The epsilon keeps rounding (0.07 × 100 = 7.000000000000001) from holding out an extra row.
    const share = Math.ceil(fraction * group.length - 1e-9);
    const take = group.length > 1 ? Math.min(group.length - 1, share) : 0;
    for (let i = 0; i < take; i++) isHeld[group[i] as number] = 1;
    heldCount += take;
  }
  if (heldCount === 0 && rows > 1) {
    isHeld[rng.int(rows)] = 1;
    heldCount = 1;
  }
  const train = new Int32Array(rows - heldCount);
  const held = new Int32Array(heldCount);
  for (let i = 0, t = 0, h = 0; i < rows; i++) {
    if (isHeld[i] === 1) held[h++] = i;
    else train[t++] = i;
  }
  return { train, held };
}
