import { featureLineage, type ModelFile, predictModel, type RawColumns, type SourceColumn } from '@loom/ml';
import { OnnxPredictor } from './predictor.ts';

/** Options for {@link checkParity}. */
export interface ParityOptions {
  /**
   * Largest difference allowed: absolute for probabilities; for regression values, relative to the
   * value's magnitude when it exceeds 1 (float32 cannot hold large values to a fixed absolute precision).
   * @default 1e-4
   */
  tolerance?: number;
}

/** What {@link checkParity} found. */
export interface ParityResult {
  /** Rows compared: the model's sample plus rows with NULL in each imputed column. */
  rows: number;
  /** The largest absolute difference between the two predictions. */
  maxAbsDifference: number;
  passed: boolean;
  /**
   * The worst disagreement: a class whose index differs (`output` 'label', class indices as numbers),
   * or else the output entry furthest over its tolerance (`probabilities[class]` or `variable`).
   */
  worst?: { row: number; output: string; expected: number; actual: number };
}

/**
 * Checks that an exported ONNX model predicts what the model file does: runs `predictModel` and the ONNX
 * session on the model's sample rows, plus one row per imputed column where that column is NULL (and
 * one where all are), and compares probabilities (or values). For classifiers the predicted class must
 * agree too, wherever the two most probable classes are not within the tolerance of each other.
 *
 * @example
 * const parity = await checkParity(model, buildOnnxModel(model));
 * if (!parity.passed) throw new Error(`ONNX differs by ${parity.maxAbsDifference}`);
 */
export async function checkParity(
  model: ModelFile,
  onnxBytes: Uint8Array,
  options: ParityOptions = {},
): Promise<ParityResult> {
  const tolerance = options.tolerance ?? 1e-4;
  const { sources, steps } = featureLineage(model);
  const imputed = sources.filter((s) => steps.some((step) => step.column === s.name && step.kind.startsWith('impute')));
  const { columns, rows } = parityRows(model, sources, imputed);
  const expected = predictModel(model, columns, rows);
  const predictor = await OnnxPredictor.open(onnxBytes);
  let actual: Awaited<ReturnType<OnnxPredictor['predict']>>;
  try {
    actual = await predictor.predict(columns, rows);
  } finally {
    await predictor.close();
  }

  const classification = model.task === 'classification';
  const want = (classification ? expected.probabilities : expected.values) as Float64Array;
  const got = (classification ? actual.probabilities : actual.values) as Float64Array;
  const width = classification ? (model.classes?.length ?? 0) : 1;
  let maxAbsDifference = 0;
  let worstExcess = 0;
  let worst: ParityResult['worst'];
  for (let i = 0; i < want.length; i++) {
    const e = want[i] as number;
    const a = got[i] as number;
    const difference = Number.isNaN(e) && Number.isNaN(a) ? 0 : Math.abs(a - e);
    // NaN on one side only compares as an infinite difference.
    const d = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : difference;
    maxAbsDifference = Math.max(maxAbsDifference, d);
    const allowed = classification ? tolerance : tolerance * Math.max(1, Math.abs(e));
    if (d / allowed > worstExcess) {
      worstExcess = d / allowed;
      const row = Math.floor(i / width);
      const output = classification ? `probabilities[${String(model.classes?.[i % width])}]` : 'variable';
      worst = { row, output, expected: e, actual: a };
    }
  }
  let passed = worstExcess <= 1;
  if (classification) {
    const mismatch = classMismatch(want, expected.classIndex, actual.classIndex, rows, width, tolerance);
    if (mismatch) {
      passed = false;
      worst = mismatch;
    }
  }
  return { rows, maxAbsDifference, passed, ...(worst ? { worst } : {}) };
}

/** The first row whose predicted class differs although its top two probabilities are clearly apart. */
function classMismatch(
  probabilities: Float64Array,
  expected: Int32Array | undefined,
  actual: Int32Array | undefined,
  rows: number,
  classes: number,
  tolerance: number,
): ParityResult['worst'] {
  for (let r = 0; r < rows; r++) {
    const e = expected?.[r] ?? 0;
    const a = actual?.[r] ?? 0;
    if (e === a) continue;
    const top = probabilities[r * classes + e] as number;
    let second = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) if (c !== e) second = Math.max(second, probabilities[r * classes + c] as number);
    if (top - second > tolerance) return { row: r, output: 'label', expected: e, actual: a };
  }
  return undefined;
}

/** The sample's rows, then the NULL rows, as raw columns (NULL → NaN for numbers, null for strings). */
function parityRows(
  model: ModelFile,
  sources: SourceColumn[],
  imputed: SourceColumn[],
): { columns: RawColumns; rows: number } {
  const sample = sources.map((s) => {
    const values = model.sample[s.name];
    if (values === undefined) throw new Error(`the model's sample lacks column '${s.name}'`);
    return values;
  });
  const sampleRows = sample[0]?.length ?? 0;
  if (sample.some((values) => values.length !== sampleRows))
    throw new Error(`the model's sample columns differ in length`);
  // NULL rows copy the first sample row (or zeros and NULLs when the sample is empty) and blank some columns.
  const nullSets = imputed.map((s) => new Set([s.name]));
  if (imputed.length > 1) nullSets.push(new Set(imputed.map((s) => s.name)));
  const rows = sampleRows + nullSets.length;
  const columns: RawColumns = {};
  sources.forEach((source, c) => {
    const values = sample[c] as Array<number | string | null>;
    const base = sampleRows > 0 ? values[0] : source.kind === 'number' ? 0 : null;
    const all = [...values, ...nullSets.map((nulls) => (nulls.has(source.name) ? null : base))];
    if (source.kind === 'number') {
      columns[source.name] = Float64Array.from(all, (v) => {
        if (v !== null && typeof v !== 'number') throw new Error(`sample column '${source.name}' holds a non-number`);
        return v ?? Number.NaN;
      });
    } else {
      if (all.some((v) => v !== null && typeof v !== 'string')) {
        throw new Error(`sample column '${source.name}' holds a non-string`);
      }
      columns[source.name] = all as Array<string | null>;
    }
  });
  return { columns, rows };
}
