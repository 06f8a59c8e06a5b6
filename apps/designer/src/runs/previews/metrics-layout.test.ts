import type { MetricCurve } from '@loom/sdk';
import { describe, expect, it } from 'vitest';
import { curveLayout, groupMetrics, humanize, matrixTitle, nameTokens, splitPerClass } from './metrics-layout.ts';

const curve: MetricCurve = { kind: 'curve', x: [0, 1], y: [0, 1] };

describe('groupMetrics', () => {
  it('splits scores, curves and matrices in their order', () => {
    const matrix = { kind: 'matrix' as const, labels: ['a'], values: [[1]] };
    const groups = groupMetrics({ accuracy: 0.9, roc: curve, f1: 0.8, confusion: matrix });
    expect(groups.scalars).toEqual([
      ['accuracy', 0.9],
      ['f1', 0.8],
    ]);
    expect(groups.curves).toEqual([['roc', curve]]);
    expect(groups.matrices).toEqual([['confusion', matrix]]);
  });
});

describe('names', () => {
  it('splits names into words and titles', () => {
    expect(nameTokens('val_rocCurve')).toEqual(['val', 'roc', 'curve']);
    expect(humanize('validation_loss')).toBe('Validation loss');
    expect(humanize('f1Macro')).toBe('F1 macro');
    expect(matrixTitle('confusion_matrix')).toBe('Confusion matrix');
    expect(matrixTitle('correlations')).toBe('Correlations');
  });
});

describe('curveLayout', () => {
  it('draws ROC curves on unit axes with a diagonal and their AUC', () => {
    expect(curveLayout('roc', curve, { roc_auc: 0.97 })).toEqual({
      title: 'ROC curve',
      xLabel: 'False positive rate',
      yLabel: 'True positive rate',
      xDomain: [0, 1],
      yDomain: [0, 1],
      diagonal: true,
      auc: { label: 'AUC', value: 0.97 },
    });
    expect(curveLayout('test_roc_curve', curve, { auc: 0.9 }).auc).toEqual({ label: 'AUC', value: 0.9 });
    expect(curveLayout('roc', curve, {}).auc).toBeUndefined();
    const perClass = curveLayout('roc_curve/setosa', curve, { roc_auc: 0.9, 'roc_auc/setosa': 1 });
    expect(perClass).toMatchObject({ title: 'ROC curve · setosa', auc: { label: 'AUC', value: 1 } });
    expect(curveLayout('roc_curve/virginica', curve, { roc_auc: 0.9 }).auc).toBeUndefined();
    expect(curveLayout('process_time', curve, {}).diagonal).toBe(false);
  });

  it('labels loss curves as training or validation loss', () => {
    expect(curveLayout('loss', curve, {})).toMatchObject({
      title: 'Training loss',
      xLabel: 'Iteration',
      yLabel: 'Loss',
    });
    expect(curveLayout('validation_loss', curve, {}).title).toBe('Validation loss');
    expect(curveLayout('logloss', { ...curve, xLabel: 'epoch' }, {}).xLabel).toBe('epoch');
  });

  it('draws precision-recall curves on unit axes and other curves by name', () => {
    expect(curveLayout('pr_curve', curve, { average_precision: 0.8 })).toMatchObject({
      title: 'Precision–recall curve',
      xDomain: [0, 1],
      auc: { label: 'AP', value: 0.8 },
    });
    expect(curveLayout('learning_rate', curve, {})).toEqual({
      title: 'Learning rate',
      xLabel: 'x',
      yLabel: 'Learning rate',
      diagonal: false,
    });
  });
});

describe('splitPerClass', () => {
  it('gathers per-class scores into a table and keeps the rest in order', () => {
    const { overall, perClass } = splitPerClass([
      ['accuracy', 0.9],
      ['precision/setosa', 1],
      ['recall/setosa', 0.9],
      ['precision/virginica', 0.8],
      ['recall/virginica', 0.7],
      ['loss/train', 0.1],
      ['a/b/c', 2],
    ]);
    expect(overall).toEqual([
      ['accuracy', 0.9],
      ['loss/train', 0.1],
      ['a/b/c', 2],
    ]);
    expect(perClass?.scores).toEqual(['precision', 'recall']);
    expect(perClass?.classes).toEqual(['setosa', 'virginica']);
    expect(perClass?.values.get('recall/virginica')).toBe(0.7);
  });

  it('leaves scores alone when none are per class', () => {
    expect(splitPerClass([['accuracy', 0.9]])).toEqual({ overall: [['accuracy', 0.9]], perClass: undefined });
  });
});
