import type { InferenceLogEntry } from '../model-server/request-log-types.ts';

/**
 * One column of a batch: numbers (NaN for NULL), or dictionary codes into strings (-1 for NULL).
 * Only the first `rows` entries of the batch are meaningful.
 */
export type LoggedColumn =
  | { kind: 'number'; values: Float64Array }
  | { kind: 'string'; codes: Int32Array; dictionary: string[] };

/**
 * The rows of one model version in one UTC hour, as columns of typed arrays: what the request log
 * hands its writer thread (the arrays are transferred, not copied) and what it writes to one file.
 */
export interface RequestLogBatch {
  model: string;
  version: number;
  /** The start of the UTC hour its rows were answered in, in ms since the epoch. */
  hourStart: number;
  rows: number;
  /** When each row's request was answered, in ms since the epoch. */
  at: Float64Array;
  latencyMs: Float64Array;
  /** Always a string column. */
  requestId: LoggedColumn;
  /** In the order the inputs first appeared. */
  inputs: Array<{ name: string; column: LoggedColumn }>;
  /** Text when any row has a label (numbers in it as text), else numbers. */
  prediction: LoggedColumn;
  /** The distinct lists of class names seen, in the order first seen. */
  classSets: string[][];
  /** Per row, its index in `classSets`; -1 for a row without probabilities. */
  classSet: Int32Array;
  /** The rows' probabilities one after another, each in its class set's order. */
  probabilities: Float64Array;
}

const INITIAL_ROWS = 64;

/**
 * A column being built: numbers until the first string, then dictionary codes (numbers seen before
 * become text, as one file column has one type). Slots past the committed rows are kept NULL, so an
 * entry that lacks the column needs no padding.
 */
class ColumnBuilder {
  numbers: Float64Array | undefined;
  codes: Int32Array | undefined;
  readonly dictionary: string[] = [];
  readonly #index = new Map<string, number>();

  constructor(capacity: number, text: boolean) {
    if (text) this.codes = new Int32Array(capacity).fill(-1);
    else this.numbers = new Float64Array(capacity).fill(Number.NaN);
  }

  set(row: number, value: unknown): void {
    if (typeof value === 'number') {
      if (this.numbers !== undefined) this.numbers[row] = value;
      else (this.codes as Int32Array)[row] = Number.isNaN(value) ? -1 : this.code(String(value));
    } else if (typeof value === 'string') {
      if (this.codes === undefined) this.toText();
      (this.codes as Int32Array)[row] = this.code(value);
    } else if (this.numbers !== undefined) {
      this.numbers[row] = Number.NaN;
    } else {
      (this.codes as Int32Array)[row] = -1;
    }
  }

  /** Sets rows `[from, to)` to one value (the columns that are per request). */
  fill(value: string | number | undefined, from: number, to: number): void {
    if (value === undefined) {
      if (this.numbers !== undefined) this.numbers.fill(Number.NaN, from, to);
      else this.codes?.fill(-1, from, to);
      return;
    }
    this.set(from, value);
    if (this.numbers !== undefined) this.numbers.fill(this.numbers[from] as number, from + 1, to);
    else this.codes?.fill(this.codes[from] as number, from + 1, to);
  }

  clear(from: number, to: number): void {
    this.fill(undefined, from, to);
  }

  code(value: string): number {
    let code = this.#index.get(value);
    if (code === undefined) {
      code = this.dictionary.length;
      this.dictionary.push(value);
      this.#index.set(value, code);
    }
    return code;
  }

  toText(): void {
    const numbers = this.numbers as Float64Array;
    const codes = new Int32Array(numbers.length);
    for (let i = 0; i < numbers.length; i++) {
      const value = numbers[i] as number;
      codes[i] = Number.isNaN(value) ? -1 : this.code(String(value));
    }
    this.codes = codes;
    this.numbers = undefined;
  }

  grow(capacity: number): void {
    if (this.numbers !== undefined) this.numbers = grown(this.numbers, capacity, Number.NaN);
    else this.codes = grown(this.codes as Int32Array, capacity, -1);
  }

  column(rows: number): LoggedColumn {
    return this.numbers !== undefined
      ? { kind: 'number', values: this.numbers.subarray(0, rows) }
      : { kind: 'string', codes: (this.codes as Int32Array).subarray(0, rows), dictionary: this.dictionary };
  }
}

function grown<T extends Float64Array | Int32Array>(array: T, capacity: number, empty: number): T {
  const next = new (array.constructor as new (length: number) => T)(capacity);
  next.set(array);
  next.fill(empty, array.length);
  return next;
}

/**
 * Builds a {@link RequestLogBatch} entry by entry, straight into typed arrays, so that what the log
 * holds until its write is a few arrays per batch rather than objects per row (which the garbage
 * collector would copy at every young-generation pass while they wait).
 */
export class RequestLogBatchBuilder {
  #rows = 0;
  #capacity = INITIAL_ROWS;
  #at = new Float64Array(INITIAL_ROWS);
  #latency = new Float64Array(INITIAL_ROWS);
  readonly #requestId = new ColumnBuilder(INITIAL_ROWS, true);
  readonly #inputs = new Map<string, ColumnBuilder>();
  readonly #prediction = new ColumnBuilder(INITIAL_ROWS, false);
  #labelled = false;
  readonly #classSets: string[][] = [];
  readonly #classSetIndex = new Map<string, number>();
  #lastClassSet = -1;
  #classSet = new Int32Array(INITIAL_ROWS).fill(-1);
  #probabilities = new Float64Array(INITIAL_ROWS * 4);
  #probabilityCount = 0;

  constructor(
    readonly model: string,
    readonly version: number,
    readonly hourStart: number,
  ) {}

  /** Rows added so far. */
  get rows(): number {
    return this.#rows;
  }

  /**
   * Adds the entry's rows. Throws, leaving the batch as it was, when a probability is not a number
   * (such an entry could not be written, and must not take the rest of its batch down with it).
   */
  add(entry: InferenceLogEntry): void {
    const { predictions } = entry;
    const count = predictions.length;
    const from = this.#rows;
    const to = from + count;
    if (to > this.#capacity) this.#grow(to);
    const probabilityStart = this.#probabilityCount;
    const newInputs: string[] = [];
    try {
      let labelled = false;
      for (let i = 0; i < count; i++) {
        const predicted = predictions[i] as InferenceLogEntry['predictions'][number];
        if (predicted.label !== undefined) labelled = true;
        this.#prediction.set(from + i, predicted.label ?? predicted.value);
        this.#addProbabilities(from + i, predicted.probabilities);
      }
      const at = entry.at.getTime();
      this.#at.fill(at, from, to);
      this.#latency.fill(entry.latencyMs, from, to);
      this.#requestId.fill(entry.requestId, from, to);
      for (const name in entry.inputs) {
        const values = entry.inputs[name] as InferenceLogEntry['inputs'][string];
        let column = this.#inputs.get(name);
        if (column === undefined) {
          column = new ColumnBuilder(this.#capacity, false);
          this.#inputs.set(name, column);
          newInputs.push(name);
        }
        for (let i = 0; i < count; i++) column.set(from + i, values[i]);
      }
      if (labelled) this.#labelled = true;
      this.#rows = to;
    } catch (cause) {
      // Slots past the committed rows stay NULL: the next entry may not set them all.
      this.#prediction.clear(from, to);
      this.#requestId.clear(from, to);
      this.#classSet.fill(-1, from, to);
      for (const column of this.#inputs.values()) column.clear(from, to);
      for (const name of newInputs) this.#inputs.delete(name);
      this.#probabilityCount = probabilityStart;
      throw cause;
    }
  }

  /** The batch, and the buffers to transfer with it; the builder must not be used afterwards. */
  finish(): { batch: RequestLogBatch; transfer: ArrayBuffer[] } {
    const rows = this.#rows;
    if (this.#labelled && this.#prediction.numbers !== undefined) this.#prediction.toText();
    const batch: RequestLogBatch = {
      model: this.model,
      version: this.version,
      hourStart: this.hourStart,
      rows,
      at: this.#at.subarray(0, rows),
      latencyMs: this.#latency.subarray(0, rows),
      requestId: this.#requestId.column(rows),
      inputs: [...this.#inputs].map(([name, column]) => ({ name, column: column.column(rows) })),
      prediction: this.#prediction.column(rows),
      classSets: this.#classSets,
      classSet: this.#classSet.subarray(0, rows),
      probabilities: this.#probabilities.subarray(0, this.#probabilityCount),
    };
    const columns = [batch.requestId, batch.prediction, ...batch.inputs.map((input) => input.column)];
    const transfer = [batch.at, batch.latencyMs, batch.classSet, batch.probabilities].map((a) => a.buffer);
    for (const column of columns) transfer.push((column.kind === 'number' ? column.values : column.codes).buffer);
    return { batch, transfer: transfer as ArrayBuffer[] };
  }

  #addProbabilities(row: number, probabilities: Record<string, number> | undefined): void {
    if (probabilities === undefined || probabilities === null) {
      this.#classSet[row] = -1;
      return;
    }
    // Rows of one model nearly always share one class list: check it in place before looking it up.
    let set = this.#lastClassSet;
    const names = set === -1 ? undefined : this.#classSets[set];
    let same = names !== undefined;
    let count = 0;
    for (const name in probabilities) {
      if (same && names?.[count] !== name) same = false;
      count++;
    }
    if (count === 0) {
      this.#classSet[row] = -1;
      return;
    }
    if (!same || count !== names?.length) set = this.#classSetOf(Object.keys(probabilities));
    const classes = this.#classSets[set] as string[];
    if (this.#probabilityCount + classes.length > this.#probabilities.length) {
      this.#probabilities = grown(
        this.#probabilities,
        Math.max(this.#probabilities.length * 2, this.#probabilityCount + classes.length),
        0,
      );
    }
    for (const name of classes) {
      const p = probabilities[name];
      if (typeof p !== 'number') {
        throw new TypeError(`the probability of class "${name}" is ${typeof p}, not a number`);
      }
      this.#probabilities[this.#probabilityCount++] = p;
    }
    this.#classSet[row] = set;
    this.#lastClassSet = set;
  }

  #classSetOf(classes: string[]): number {
    const key = JSON.stringify(classes);
    let set = this.#classSetIndex.get(key);
    if (set === undefined) {
      set = this.#classSets.length;
      this.#classSets.push(classes);
      this.#classSetIndex.set(key, set);
    }
    return set;
  }

  #grow(rows: number): void {
    const capacity = Math.max(this.#capacity * 2, rows);
    this.#at = grown(this.#at, capacity, 0);
    this.#latency = grown(this.#latency, capacity, 0);
    this.#classSet = grown(this.#classSet, capacity, -1);
    this.#requestId.grow(capacity);
    this.#prediction.grow(capacity);
    for (const column of this.#inputs.values()) column.grow(capacity);
    this.#capacity = capacity;
  }
}
