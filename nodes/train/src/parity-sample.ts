import type { FittedStep, SourceColumn } from '@loom/ml';
import { oneHotColumnName } from '@loom/ml';

/** How many training rows `export.onnx` replays through both the in-process model and onnxruntime. */
export const PARITY_SAMPLE_ROWS = 256;

export type SourceValues = Record<string, Array<number | string | null>>;

/**
 * Rebuilds raw source values for a spread of training rows, so the parity check feeds the ONNX model
 * realistic raw inputs. The reconstruction need not be exact: both sides of the check start from these
 * same values.
 */
export function buildParitySample(
  features: readonly string[],
  columns: readonly Float64Array[],
  steps: readonly FittedStep[],
  sources: readonly SourceColumn[],
): SourceValues {
  const rows = columns[0]?.length ?? 0;
  const count = Math.min(rows, PARITY_SAMPLE_ROWS);
  const picked = Array.from({ length: count }, (_, i) => Math.floor((i * rows) / count));
  return rebuildSourceValues(features, columns, steps, sources, picked);
}

/**
 * Rebuilds the raw source values of the given training rows by undoing the fitted steps (scaling back,
 * one-hot back to its category). Imputed values stay as imputed: the training table no longer knows
 * which of them were missing. A source column no feature derives from comes back as NULLs.
 */
export function rebuildSourceValues(
  features: readonly string[],
  columns: readonly Float64Array[],
  steps: readonly FittedStep[],
  sources: readonly SourceColumn[],
  rows: readonly number[],
): SourceValues {
  const values = new Map<string, Array<number | string | null>>();
  features.forEach((name, f) => {
    const column = columns[f] as Float64Array;
    values.set(
      name,
      rows.map((row) => column[row] as number),
    );
  });
  for (let s = steps.length - 1; s >= 0; s--) {
    const step = steps[s] as FittedStep;
    switch (step.kind) {
      case 'scale': {
        const scaled = values.get(step.column);
        if (scaled !== undefined) {
          values.set(
            step.column,
            scaled.map((v) => (typeof v === 'number' ? unscale(v, step.scale, step.offset) : v)),
          );
        }
        break;
      }
      case 'one_hot': {
        const indicators = step.categories.map((category) => values.get(oneHotColumnName(step.column, category)));
        if (indicators.every((column) => column === undefined)) break;
        values.set(
          step.column,
          rows.map((_, i) => {
            // Undoing a later scale gives back 1 only to rounding, so "hot" means the indicator nearest 1.
            const hot = indicators.findIndex(
              (column) => column !== undefined && Math.abs((column[i] as number) - 1) < 1e-6,
            );
            return hot >= 0 ? (step.categories[hot] as string) : null;
          }),
        );
        break;
      }
      case 'impute':
      case 'impute_category':
        break;
    }
  }
  const rebuilt: SourceValues = {};
  for (const source of sources) {
    rebuilt[source.name] = values.get(source.name) ?? rows.map(() => null);
  }
  return rebuilt;
}

/** Significant decimal digits, relative to the larger of the value and the scaling's offset, kept on unscaling. */
const UNSCALED_DIGITS = 12;

/**
 * Undoes `(x - offset) / scale`. Scaling there and back is exact only to rounding (iris's petal width 0.2
 * comes back as 0.20000000000000004), which would break every tie between the baseline and logged traffic
 * and make a KS test see drift in identical data; so the result snaps to 12 significant digits of the
 * larger of the value and the offset, far finer than any measured quantity and far coarser than the
 * round-trip error (a few units in the last of 16 digits).
 */
export function unscale(scaled: number, scale: number, offset: number): number {
  const value = scaled * scale + offset;
  const magnitude = Math.max(Math.abs(value), Math.abs(offset), Math.abs(scaled * scale));
  if (!Number.isFinite(value) || magnitude === 0) return value;
  const decimals = UNSCALED_DIGITS - Math.ceil(Math.log10(magnitude));
  if (decimals < 0 || decimals > 22) return Number(value.toPrecision(UNSCALED_DIGITS));
  // An integer over an exact power of ten rounds once, to the double nearest the decimal.
  const power = 10 ** decimals;
  return Math.round(value * power) / power;
}
