/** A curve of points, structurally the SDK's `MetricCurve` (this package does not import the SDK). */
export interface MetricCurve {
  kind: 'curve';
  x: number[];
  y: number[];
  xLabel?: string;
  yLabel?: string;
}

/** A labelled square matrix, structurally the SDK's `MetricMatrix`. */
export interface MetricMatrix {
  kind: 'matrix';
  labels: string[];
  values: number[][];
}

/** One class's scores, treating it as positive and every other class as negative. */
export interface ClassScores {
  label: string;
  /** tp / (tp + fp); 0 when the class is never predicted (scikit-learn's `zero_division=0`). */
  precision: number;
  /** tp / (tp + fn); 0 when the class never occurs. */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
  /** Rows whose true class it is. */
  support: number;
}

/** What {@link classificationMetrics} measures; each figure matches scikit-learn 1.2's. */
export interface ClassificationReport {
  accuracy: number;
  /**
   * Unweighted means over the classes that occur as true or predicted class, as scikit-learn's
   * `average='macro'` without `labels` takes them; a class that is neither does not pull the mean down.
   */
  precisionMacro: number;
  recallMacro: number;
  f1Macro: number;
  /** Every class, in `classLabels` order. */
  perClass: ClassScores[];
  /** Counts of rows; rows: actual class, columns: predicted class, in `classLabels` order. */
  confusionMatrix: MetricMatrix;
  /**
   * Area under the ROC curve. Binary: of class 1's probability. More classes: the mean of each class's
   * one-vs-rest AUC over the classes that have both positive and negative rows (scikit-learn's
   * `multi_class='ovr', average='macro'`, which refuses a class without positives instead). NaN when no
   * class has both.
   */
  rocAuc: number;
  /**
   * ROC curves (x: false positive rate, y: true positive rate, from (0, 0) to (1, 1)): binary, class 1's
   * only; otherwise one per class, in `classLabels` order, empty (no points) for a class without positive
   * or without negative rows. Collinear points are dropped, as scikit-learn's
   * `roc_curve(drop_intermediate=True)` does.
   */
  rocCurves: MetricCurve[];
  /**
   * Mean negative log-probability of the true class, probabilities clipped to [1e-15, 1 − 1e-15] and each
   * row renormalised, as scikit-learn 1.2's `log_loss(eps=1e-15)`.
   */
  logLoss: number;
}

const clip = 1e-15;

/**
 * Scores class probabilities against true classes. The predicted class of a row is its most probable
 * one (the first on ties).
 *
 * @param yTrue class indices into `classLabels`, one per row.
 * @param probabilities rows × classes, row-major, as `predictEstimator` returns them.
 * @example
 * const report = classificationMetrics(Int32Array.of(0, 1, 1), Float64Array.of(0.8, 0.2, 0.3, 0.7, 0.6, 0.4), ['no', 'yes']);
 * report.accuracy; // 2 / 3
 * report.rocAuc; // 1
 */
export function classificationMetrics(
  yTrue: Int32Array,
  probabilities: Float64Array,
  classLabels: readonly string[],
): ClassificationReport {
  const rows = yTrue.length;
  const classes = classLabels.length;
  if (classes === 0) throw new RangeError('classification metrics need at least one class');
  if (rows === 0) throw new RangeError('classification metrics need at least one row');
  if (probabilities.length !== rows * classes)
    throw new RangeError(`${probabilities.length} probabilities for ${rows} rows × ${classes} classes`);
  for (let i = 0; i < probabilities.length; i++)
    if (!Number.isFinite(probabilities[i] as number)) throw new RangeError(`probability ${i} is not finite`);

  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const actual = yTrue[r] as number;
    if (!Number.isInteger(actual) || actual < 0 || actual >= classes)
      throw new RangeError(`row ${r} has class ${actual}, outside [0, ${classes})`);
    const offset = r * classes;
    let predicted = 0;
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const p = probabilities[offset + c] as number;
      if (p > (probabilities[offset + predicted] as number)) predicted = c;
      sum += Math.min(Math.max(p, clip), 1 - clip);
    }
    const row = confusion[actual] as number[];
    row[predicted] = (row[predicted] as number) + 1;
    if (predicted === actual) correct++;
    loss -= Math.log(Math.min(Math.max(probabilities[offset + actual] as number, clip), 1 - clip) / sum);
  }

  const perClass: ClassScores[] = [];
  let precisionSum = 0;
  let recallSum = 0;
  let f1Sum = 0;
  let present = 0;
  for (let c = 0; c < classes; c++) {
    const truePositives = (confusion[c] as number[])[c] as number;
    let support = 0;
    let predictedCount = 0;
    for (let k = 0; k < classes; k++) {
      support += (confusion[c] as number[])[k] as number;
      predictedCount += (confusion[k] as number[])[c] as number;
    }
    const precision = predictedCount === 0 ? 0 : truePositives / predictedCount;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass.push({ label: classLabels[c] as string, precision, recall, f1, support });
    if (support > 0 || predictedCount > 0) {
      present++;
      precisionSum += precision;
      recallSum += recall;
      f1Sum += f1;
    }
  }

  const rocCurves: MetricCurve[] = [];
  let aucSum = 0;
  let aucCount = 0;
  // Binary: class 1 only, as scikit-learn scores the positive class.
  for (let c = classes === 2 ? 1 : 0; c < classes; c++) {
    const roc = oneVsRestRoc(yTrue, probabilities, classes, c);
    if (roc !== undefined) {
      aucSum += roc.auc;
      aucCount++;
    }
    rocCurves.push(roc?.curve ?? rocCurve([], []));
  }

  return {
    accuracy: correct / rows,
    precisionMacro: precisionSum / present,
    recallMacro: recallSum / present,
    f1Macro: f1Sum / present,
    perClass,
    confusionMatrix: { kind: 'matrix', labels: [...classLabels], values: confusion },
    rocAuc: aucCount === 0 ? Number.NaN : aucSum / aucCount,
    rocCurves,
    logLoss: loss / rows,
  };
}

/**
 * The ROC curve and its area for class `positive` against the rest, scored by its probability column;
 * undefined unless the class has both positive and negative rows. Rows of equal score form one step of
 * the curve, so ties count half, as in the rank (Mann–Whitney) form of the AUC.
 */
function oneVsRestRoc(
  yTrue: Int32Array,
  probabilities: Float64Array,
  classes: number,
  positive: number,
): { auc: number; curve: MetricCurve } | undefined {
  const rows = yTrue.length;
  const score = new Float64Array(rows);
  let positives = 0;
  for (let r = 0; r < rows; r++) {
    score[r] = probabilities[r * classes + positive] as number;
    if (yTrue[r] === positive) positives++;
  }
  const negatives = rows - positives;
  if (positives === 0 || negatives === 0) return undefined;
  const order = new Int32Array(rows);
  for (let r = 0; r < rows; r++) order[r] = r;
  order.sort((a, b) => (score[b] as number) - (score[a] as number));

  // Cumulative counts at each distinct score, from the highest; integers, so the area below is exact.
  const fps: number[] = [];
  const tps: number[] = [];
  let tp = 0;
  let fp = 0;
  let doubledArea = 0;
  for (let i = 0; i < rows; i++) {
    const row = order[i] as number;
    if (yTrue[row] === positive) tp++;
    else fp++;
    if (i + 1 < rows && score[order[i + 1] as number] === score[row]) continue;
    const previousFp = fps.length === 0 ? 0 : (fps[fps.length - 1] as number);
    const previousTp = tps.length === 0 ? 0 : (tps[tps.length - 1] as number);
    doubledArea += (fp - previousFp) * (tp + previousTp);
    fps.push(fp);
    tps.push(tp);
  }

  const x = [0];
  const y = [0];
  for (let i = 0; i < fps.length; i++) {
    const inner = i > 0 && i < fps.length - 1 && fps.length > 2;
    // A point on the line through its neighbours adds nothing to the curve's shape or area.
    if (inner && secondDifference(fps, i) === 0 && secondDifference(tps, i) === 0) continue;
    x.push((fps[i] as number) / negatives);
    y.push((tps[i] as number) / positives);
  }
  return {
    auc: doubledArea / (2 * positives * negatives),
    curve: rocCurve(x, y),
  };
}

function rocCurve(x: number[], y: number[]): MetricCurve {
  return { kind: 'curve', x, y, xLabel: 'False positive rate', yLabel: 'True positive rate' };
}

function secondDifference(values: readonly number[], i: number): number {
  return (values[i + 1] as number) - 2 * (values[i] as number) + (values[i - 1] as number);
}
