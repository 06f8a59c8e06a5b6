import { describe, expect, it } from 'vitest';
import { compareMetricNames, headlineRank, orderMetrics } from './metric-order.ts';

describe('metric order', () => {
  it('puts a regressor’s RMSE, MAE and R² before latency, though latency sorts first by name', () => {
    const names = ['latency_single_row_ms', 'r2', 'rows_per_second', 'mae', 'scored_rows', 'rmse'];
    expect([...names].sort(compareMetricNames)).toEqual([
      'rmse',
      'mae',
      'r2',
      'latency_single_row_ms',
      'rows_per_second',
      'scored_rows',
    ]);
  });

  it('puts a classifier’s accuracy, F1, AUC, precision and recall first, whatever their averaging', () => {
    const names = [
      'log_loss',
      'recall_macro',
      'precision_macro',
      'roc_auc',
      'f1_macro',
      'accuracy',
      'latency_single_row_ms',
      'scored_rows',
    ];
    expect([...names].sort(compareMetricNames)).toEqual([
      'accuracy',
      'f1_macro',
      'roc_auc',
      'precision_macro',
      'recall_macro',
      'latency_single_row_ms',
      'log_loss',
      'scored_rows',
    ]);
  });

  it('knows a headline by its words: spelt out, in another case, with ² or averaged', () => {
    expect(['F1 macro', 'f1', 'f1-score', 'F1_weighted'].map(headlineRank)).toEqual([1, 1, 1, 1]);
    expect(['AUC', 'rocAuc', 'roc_auc'].map(headlineRank)).toEqual([2, 2, 2]);
    expect(['R²', 'r2', 'RMSE'].map(headlineRank)).toEqual([7, 7, 5]);
    // Not the model's headline score: measured elsewhere, or something else.
    expect(['train_accuracy', 'oob_accuracy', 'log_loss', 'f1/setosa'].map(headlineRank)).toEqual([8, 8, 8, 8]);
  });

  it('orders the rest alphabetically, ignoring case, numbers by value', () => {
    expect(['b', 'Alpha', 'layer10', 'layer9', 'accuracy'].sort(compareMetricNames)).toEqual([
      'accuracy',
      'Alpha',
      'b',
      'layer9',
      'layer10',
    ]);
  });

  it('orders named values and keeps each value with its name', () => {
    expect(orderMetrics(Object.entries({ iterations: 94, loss: 0.05, accuracy: 0.97 }))).toEqual([
      ['accuracy', 0.97],
      ['iterations', 94],
      ['loss', 0.05],
    ]);
  });
});
