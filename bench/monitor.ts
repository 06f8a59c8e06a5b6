import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DataProfile, datasetDrift, type FeatureDrift, profileData } from '@loom/drift';
import { quoteLiteral, readColumns, type TableColumn, TableDatabase } from '@loom/tables';
import type { BenchResult } from './bench-result.ts';

const BASELINE_ROWS = 200_000;
const CURRENT_ROWS = 1_000_000;
/** The small window: KS and chi-squared, as a monitor uses them on a quiet hour. */
const WINDOW_ROWS = 1_000;
const NUMBER_FEATURES = 16;
const CATEGORY_FEATURES = 4;
const REPEATS = 3;
const PYTHONS = ['/usr/bin/python3', 'python3'];

/**
 * Column SQL for the synthetic features, `current` deciding which ones drift. Random numbers come
 * from `hash(row, salt)`, so DuckDB generates the same data on every machine and in parallel.
 */
function featureSql(current: boolean): string[] {
  const salt = current ? 2048 : 0;
  // One 64-bit hash per (row, draw): hash(i, k) would only XOR k's hash into i's, tying the draws together.
  const u = (k: number) => `((hash(i * 4096 + ${salt + k}) >> 11)::DOUBLE + 0.5) / 9007199254740992.0`;
  const normal = (k: number) => `(sqrt(-2 * ln(${u(k)})) * cos(2 * pi() * ${u(k + 100)}))`;
  const shift = (amount: number) => (current ? amount : 0);
  const columns: string[] = [];
  for (let f = 0; f < 10; f++) {
    const mean = f * 3 - 7;
    const std = 1 + f * 0.5;
    // f0, f1 shift by 0.5 and 0.2 std, f2 widens by half, f3 shifts by 0.05 std (too little to count).
    const offset = [0.5, 0.2, 0, 0.05][f] ?? 0;
    const widen = f === 2 && current ? 1.5 : 1;
    columns.push(`${mean} + ${std} * (${normal(f)} * ${widen} + ${shift(offset)}) AS f${f}`);
  }
  columns.push(`exp(0.5 * ${normal(10)}) AS f10`);
  columns.push(`exp(0.5 * ${normal(11)} + ${shift(0.3)}) AS f11`);
  columns.push(`floor(${u(12)} * 10) AS f12`);
  columns.push(`CASE WHEN ${u(22)} < ${current ? 0.05 : 0.01} THEN NULL ELSE ${normal(13)} END AS f13`);
  columns.push(`${u(14)} * 100 + ${shift(10)} AS f14`);
  columns.push(`${normal(15)} AS f15`);
  const c0 = current ? [0.2, 0.2, 0.2, 0.2, 0.2] : [0.4, 0.3, 0.15, 0.1, 0.05];
  columns.push(`${pick(u(16), ['a', 'b', 'c', 'd', 'e'], c0)} AS c0`);
  columns.push(`'k' || floor(pow(${u(17)}, 1.5) * 60)::INTEGER AS c1`);
  columns.push(`${pick(u(18), ['x', 'y', 'z'], [0.5, 0.3, 0.2])} AS c2`);
  const c3 = Array.from({ length: 12 }, (_, k) => `v${k}`);
  columns.push(
    current
      ? `CASE WHEN ${u(19)} < 0.03 THEN 'new' ELSE 'v' || floor(${u(20)} * 12)::INTEGER END AS c3`
      : `${pick(
          u(20),
          c3,
          c3.map(() => 1 / 12),
        )} AS c3`,
  );
  columns.push(`${pick(u(21), ['yes', 'no'], current ? [0.55, 0.45] : [0.5, 0.5])} AS prediction`);
  return columns;
}

function pick(uniform: string, values: string[], weights: number[]): string {
  let total = 0;
  const cases = values.map((value, k) => {
    total += weights[k] as number;
    return k === values.length - 1
      ? `ELSE ${quoteLiteral(value)}`
      : `WHEN ${uniform} < ${total} THEN ${quoteLiteral(value)}`;
  });
  return `CASE ${cases.join(' ')} END`;
}

const numberNames = Array.from({ length: NUMBER_FEATURES }, (_, i) => `f${i}`);
const categoryNames = Array.from({ length: CATEGORY_FEATURES }, (_, i) => `c${i}`);
const featureNames = [...numberNames, ...categoryNames];

type Columns = Record<string, Float64Array | Array<string | null>>;

function valuesOf(columns: Map<string, TableColumn>, names: readonly string[]): Columns {
  const out: Columns = {};
  for (const name of names) out[name] = (columns.get(name) as TableColumn).values;
  return out;
}

function seconds(run: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    run();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

/**
 * `pnpm bench monitor`: drift of 1,000,000 logged rows × 20 features (16 numbers, 4 categories) and
 * the prediction against a profile of 200,000 training rows. The rows are written as a request-log
 * Parquet file; Loom reads the columns back and runs `datasetDrift` (Wasserstein, PSI,
 * Jensen–Shannon, quality, histograms) on all of them and on a 1,000-row window (KS, chi-squared).
 * scipy and numpy then compute the same values on the same numbers in one Python process; the table
 * gives both times (best of 3) and the largest difference between any two values.
 */
export async function benchMonitor(): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-monitor-'));
  try {
    const db = await TableDatabase.open({ memoryLimit: '2GB' });
    const baselinePath = join(dir, 'baseline.parquet');
    const logPath = join(dir, 'request-log.parquet');
    try {
      await db.run(
        `COPY (SELECT ${featureSql(false).join(', ')} FROM range(${BASELINE_ROWS}) t(i)) TO ${quoteLiteral(baselinePath)} (FORMAT parquet)`,
      );
      // The request log's layout (server/src/request-log/request-log-parquet.ts): fixed columns, then inputs.
      await db.run(
        `COPY (SELECT make_timestamp(1750000000000000 + i * 3600) AS "at", 'req-' || (i // 10) AS request_id, ` +
          `1 AS model_version, 0.2 + (hash(i) % 1000) / 1000.0 AS latency_ms, ${featureSql(true).join(', ')}, ` +
          `NULL::MAP(VARCHAR, DOUBLE) AS probabilities FROM range(${CURRENT_ROWS}) t(i)) TO ${quoteLiteral(logPath)} (FORMAT parquet)`,
      );
    } finally {
      db.close();
    }
    const training = await readColumns(baselinePath, [...featureNames, 'prediction']);
    const profile = profileData(
      valuesOf(training.columns, featureNames),
      (training.columns.get('prediction') as TableColumn).values,
    );

    let readSeconds = Number.POSITIVE_INFINITY;
    let logged: Awaited<ReturnType<typeof readColumns>> | undefined;
    for (let r = 0; r < REPEATS; r++) {
      const start = performance.now();
      logged = await readColumns(logPath, [...featureNames, 'prediction']);
      readSeconds = Math.min(readSeconds, (performance.now() - start) / 1000);
    }
    const read = logged as Awaited<ReturnType<typeof readColumns>>;
    const current = valuesOf(read.columns, featureNames);
    const predictions = (read.columns.get('prediction') as TableColumn).values;
    const window: Columns = {};
    for (const name of featureNames) window[name] = (current[name] as Float64Array).slice(0, WINDOW_ROWS);

    let large = datasetDrift(profile, current, predictions);
    let small = datasetDrift(profile, window, predictions.slice(0, WINDOW_ROWS));
    const largeSeconds = seconds(() => {
      large = datasetDrift(profile, current, predictions);
    });
    const smallSeconds = seconds(() => {
      small = datasetDrift(profile, window, predictions.slice(0, WINDOW_ROWS));
    });
    if (large.status === 'no_data' || small.status === 'no_data') throw new Error('the bench windows have data');
    const rows: string[][] = [['step', 'Loom s', 'scipy/numpy s', 'ratio']];
    const figures: BenchResult['figures'] = {
      rows: CURRENT_ROWS,
      features: featureNames.length,
      baselineRows: BASELINE_ROWS,
      readParquetSeconds: round(readSeconds),
      driftSeconds: round(largeSeconds),
      windowDriftSeconds: round(smallSeconds),
      driftedFeatures: large.driftedCount,
      driftedShare: large.driftedShare,
      goalRatio: '≤ 1.5',
      goalMaxAbsDifference: '≤ 1e-6',
    };
    rows.push(['read 21 columns from the request-log Parquet', readSeconds.toFixed(3), '', '']);
    const drifted = large.features.filter((f) => f.drifted).map((f) => f.name);
    figures.drifted = drifted.join(' ');

    const python = findPython();
    if (python === undefined) {
      rows.push(['drift, 1,000,000 rows', largeSeconds.toFixed(3), 'python3 with scipy not found', '']);
      rows.push(['drift, 1,000-row window', smallSeconds.toFixed(4), '', '']);
      rows.push([`drifted: ${drifted.join(', ')} (${drifted.length} of ${featureNames.length})`, '', '', '']);
      figures.scipy = 'missing: install python3-scipy (Debian) or scipy with pip';
      return { title: 'drift over 1,000,000 logged rows × 20 features (scipy not found)', rows, figures };
    }
    await writeInputs(dir, profile, current, predictions);
    const reference = runReference(python.path, dir);
    const difference = compare(large.features, small.features, large.prediction, small.prediction, reference.values);
    const ratio = largeSeconds / reference.seconds;
    const windowRatio = smallSeconds / reference.windowSeconds;
    const totalRatio = (largeSeconds + smallSeconds) / (reference.seconds + reference.windowSeconds);
    rows.push([
      'drift, 1,000,000 rows (Wasserstein, PSI, JS, quality, histograms)',
      largeSeconds.toFixed(3),
      reference.seconds.toFixed(3),
      `${ratio.toFixed(2)}×`,
    ]);
    rows.push([
      'drift, 1,000-row window (KS exact, chi-squared, PSI, quality)',
      smallSeconds.toFixed(4),
      reference.windowSeconds.toFixed(4),
      `${windowRatio.toFixed(2)}×`,
    ]);
    rows.push([
      'max |Loom − scipy| over all values',
      difference.max.toExponential(2),
      `${difference.count} values`,
      '',
    ]);
    rows.push([`drifted: ${drifted.join(', ')} (${drifted.length} of ${featureNames.length})`, '', '', '']);
    Object.assign(figures, {
      python: `${python.path} (scipy ${python.scipy}, numpy ${python.numpy})`,
      scipySeconds: round(reference.seconds),
      scipyWindowSeconds: round(reference.windowSeconds),
      ratio: Number(ratio.toFixed(2)),
      windowRatio: Number(windowRatio.toFixed(2)),
      totalRatio: Number(totalRatio.toFixed(2)),
      maxAbsDifference: difference.max,
      valuesCompared: difference.count,
    });
    return { title: 'drift over 1,000,000 logged rows × 20 features, beside scipy on the same data', rows, figures };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Number(x.toFixed(4));
}

function findPython(): { path: string; scipy: string; numpy: string } | undefined {
  const candidates = process.env.LOOM_BENCH_PYTHON ? [process.env.LOOM_BENCH_PYTHON, ...PYTHONS] : PYTHONS;
  for (const path of candidates) {
    try {
      const out = execFileSync(path, ['-c', 'import scipy, numpy; print(scipy.__version__, numpy.__version__)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const [scipy = '', numpy = ''] = out.trim().split(' ');
      return { path, scipy, numpy };
    } catch {}
  }
  return undefined;
}

/**
 * What Python reads: every current column as raw float64 (NULL as NaN) or int32 codes into a
 * vocabulary (−1 for NULL), and the profile. Python gets codes rather than strings because that is
 * numpy's fast path; Loom counts the strings it read from Parquet.
 */
async function writeInputs(
  dir: string,
  profile: DataProfile,
  current: Columns,
  predictions: Array<string | null> | Float64Array,
): Promise<void> {
  const vocabularies: Record<string, string[]> = {};
  const write = async (name: string, values: Float64Array | Array<string | null>) => {
    if (values instanceof Float64Array) {
      await writeFile(join(dir, `${name}.f64`), values);
      return;
    }
    const vocabulary = new Map<string, number>();
    const codes = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        codes[i] = -1;
        continue;
      }
      let code = vocabulary.get(v);
      if (code === undefined) {
        code = vocabulary.size;
        vocabulary.set(v, code);
      }
      codes[i] = code;
    }
    vocabularies[name] = [...vocabulary.keys()];
    await writeFile(join(dir, `${name}.i32`), codes);
  };
  for (const name of featureNames) await write(name, current[name] as Float64Array | Array<string | null>);
  await write('prediction', predictions);
  await writeFile(
    join(dir, 'inputs.json'),
    JSON.stringify({
      profile,
      numbers: numberNames,
      categories: [...categoryNames, 'prediction'],
      vocabularies,
      window: WINDOW_ROWS,
      repeats: REPEATS,
    }),
  );
}

interface ReferenceOutput {
  seconds: number;
  windowSeconds: number;
  values: Record<string, number[]>;
}

function runReference(python: string, dir: string): ReferenceOutput {
  const script = fileURLToPath(new URL('monitor-reference.py', import.meta.url));
  const output = execFileSync(python, [script, dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  return JSON.parse(output.trim().split('\n').at(-1) as string) as ReferenceOutput;
}

/**
 * Lays Loom's values out as the Python script does (by `<feature>.<metric>`) and returns the largest
 * absolute difference. p-values are compared as they are; both sides agree far below 1e-6.
 */
function compare(
  large: FeatureDrift[],
  small: FeatureDrift[],
  largePrediction: FeatureDrift | null,
  smallPrediction: FeatureDrift | null,
  reference: Record<string, number[]>,
): { max: number; count: number } {
  const loom: Record<string, number[]> = {};
  const add = (drift: FeatureDrift | null, prefix: string) => {
    if (drift === null || drift.kind === 'missing') return;
    const key = `${prefix}${drift.name}`;
    if (drift.kind === 'number') {
      loom[key] = [
        drift.score ?? Number.NaN,
        drift.statistic ?? Number.NaN,
        drift.psi ?? Number.NaN,
        drift.quality.nullRate,
        drift.quality.outOfRangeShare,
        ...(drift.histogram.kind === 'number'
          ? [...drift.histogram.edges, ...drift.histogram.baseline, ...drift.histogram.current]
          : []),
      ];
    } else {
      loom[key] = [
        drift.score ?? Number.NaN,
        drift.statistic ?? Number.NaN,
        drift.quality.nullRate,
        drift.quality.otherShare,
        ...drift.histogram.current,
      ];
    }
  };
  for (const d of large) add(d, '');
  for (const d of small) add(d, 'window.');
  add(largePrediction, '');
  add(smallPrediction, 'window.');
  let max = 0;
  let count = 0;
  for (const [key, values] of Object.entries(loom)) {
    const theirs = reference[key];
    if (theirs === undefined || theirs.length !== values.length) {
      throw new Error(`monitor-reference.py gave ${theirs?.length ?? 'no'} values for ${key}, Loom ${values.length}`);
    }
    values.forEach((v, i) => {
      const t = theirs[i] as number;
      if (Number.isNaN(v) && (t === null || Number.isNaN(t))) return;
      max = Math.max(max, Math.abs(v - t));
      count++;
    });
  }
  return { max, count };
}
