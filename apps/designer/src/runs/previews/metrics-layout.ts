import type { MetricCurve, MetricMatrix, Metrics } from '@loom/sdk';

/**
 * How the metrics view lays out a node's metrics: which are scores, curves and matrices, and how a
 * curve is titled and scaled by its name (ROC curves get unit axes, a diagonal and their AUC).
 */

/** A node's metrics split by what draws them, each in the order the node reported them. */
export interface MetricGroups {
  scalars: Array<[string, number]>;
  curves: Array<[string, MetricCurve]>;
  matrices: Array<[string, MetricMatrix]>;
}

export function groupMetrics(metrics: Readonly<Metrics>): MetricGroups {
  const groups: MetricGroups = { scalars: [], curves: [], matrices: [] };
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value === 'number') groups.scalars.push([name, value]);
    else if (value?.kind === 'curve') groups.curves.push([name, value]);
    else if (value?.kind === 'matrix') groups.matrices.push([name, value]);
  }
  return groups;
}

/** The words of a metric name: `val_rocCurve` → `['val', 'roc', 'curve']`. */
export function nameTokens(name: string): string[] {
  return name
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter((token) => token !== '')
    .map((token) => token.toLowerCase());
}

/** A metric name as a title: `validation_loss` → `Validation loss`. */
export function humanize(name: string): string {
  const text = nameTokens(name).join(' ');
  return text === '' ? name : text.charAt(0).toUpperCase() + text.slice(1);
}

/** How one curve is drawn. */
export interface CurveLayout {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Fixed axes (0..1 for ROC and precision–recall curves); otherwise fitted to the data. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Whether to draw the y = x line that a random classifier's ROC curve follows. */
  diagonal: boolean;
  /** The area under the curve, when the metrics report it. */
  auc?: { label: string; value: number };
}

const VALIDATION_WORDS = new Set(['val', 'valid', 'validation', 'test', 'eval', 'holdout']);

/** Whether a metric is measured on held-out rows, by its name: `validation_loss`, `val_loss`, `test_accuracy`. */
export function isValidationMetric(name: string): boolean {
  return nameTokens(name).some((token) => VALIDATION_WORDS.has(token));
}

function firstFinite(metrics: Readonly<Metrics>, names: readonly string[]): number | undefined {
  for (const name of names) {
    const value = metrics[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

/** Title, axis labels, axes and reference line of a curve, by its name and the metrics beside it. */
export function curveLayout(name: string, curve: MetricCurve, metrics: Readonly<Metrics>): CurveLayout {
  const tokens = nameTokens(name);
  const unit: [number, number] = [0, 1];
  // Per-class curves are named `roc_curve/<class>`; the overall roc_auc is a macro average and not theirs.
  const slash = name.indexOf('/');
  const subject = slash < 0 ? undefined : name.slice(slash + 1);
  const of = subject === undefined ? '' : ` · ${subject}`;
  if (tokens.includes('roc')) {
    const names =
      subject === undefined
        ? [`${name}_auc`, 'roc_auc', 'auc']
        : [`${name}_auc`, `roc_auc/${subject}`, `auc/${subject}`];
    const auc = firstFinite(metrics, names);
    return {
      title: `ROC curve${of}`,
      xLabel: curve.xLabel ?? 'False positive rate',
      yLabel: curve.yLabel ?? 'True positive rate',
      xDomain: unit,
      yDomain: unit,
      diagonal: true,
      ...(auc === undefined ? {} : { auc: { label: 'AUC', value: auc } }),
    };
  }
  if (tokens.includes('pr') || (tokens.includes('precision') && tokens.includes('recall'))) {
    const names =
      subject === undefined
        ? [`${name}_auc`, 'pr_auc', 'average_precision']
        : [`${name}_auc`, `pr_auc/${subject}`, `average_precision/${subject}`];
    const ap = firstFinite(metrics, names);
    return {
      title: `Precision–recall curve${of}`,
      xLabel: curve.xLabel ?? 'Recall',
      yLabel: curve.yLabel ?? 'Precision',
      xDomain: unit,
      yDomain: unit,
      diagonal: false,
      ...(ap === undefined ? {} : { auc: { label: 'AP', value: ap } }),
    };
  }
  if (tokens.some((token) => token.endsWith('loss'))) {
    const validation = isValidationMetric(name);
    return {
      title: `${validation ? 'Validation loss' : 'Training loss'}${of}`,
      xLabel: curve.xLabel ?? 'Iteration',
      yLabel: curve.yLabel ?? 'Loss',
      diagonal: false,
    };
  }
  return {
    title: humanize(name),
    xLabel: curve.xLabel ?? 'x',
    yLabel: curve.yLabel ?? humanize(name),
    diagonal: false,
  };
}

/** A matrix's title: confusion matrices by their usual name, others by theirs. */
export function matrixTitle(name: string): string {
  return nameTokens(name).includes('confusion') ? 'Confusion matrix' : humanize(name);
}

/** Scores reported per class (`precision/setosa`, `recall/setosa`, …), as a table of classes by score. */
export interface PerClassScores {
  /** Score names in the order first reported, e.g. `['precision', 'recall', 'f1', 'support']`. */
  scores: string[];
  /** Class names in the order first reported. */
  classes: string[];
  /** The value of `score/class`, by its full metric name. */
  values: ReadonlyMap<string, number>;
}

/**
 * Splits scores into overall ones and per-class ones (`<score>/<class>`, where a score has at least two
 * classes), so a classifier's dozens of per-class numbers read as one table.
 */
export function splitPerClass(scalars: ReadonlyArray<[string, number]>): {
  overall: Array<[string, number]>;
  perClass: PerClassScores | undefined;
} {
  const classesOf = new Map<string, string[]>();
  for (const [name] of scalars) {
    const parts = name.split('/');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') continue;
    const [score = '', subject = ''] = parts;
    classesOf.set(score, [...(classesOf.get(score) ?? []), subject]);
  }
  const grouped = new Set([...classesOf].filter(([, classes]) => classes.length >= 2).map(([score]) => score));
  if (grouped.size === 0) return { overall: [...scalars], perClass: undefined };
  const overall: Array<[string, number]> = [];
  const values = new Map<string, number>();
  const classes: string[] = [];
  for (const [name, value] of scalars) {
    const [score = '', subject = ''] = name.split('/');
    if (!grouped.has(score) || name.split('/').length !== 2) {
      overall.push([name, value]);
      continue;
    }
    values.set(name, value);
    if (!classes.includes(subject)) classes.push(subject);
  }
  return { overall, perClass: { scores: [...grouped], classes, values } };
}
