import type { AnyNodeDefinition } from '@loom/sdk';
import { applyTransform } from './apply-transform.ts';
import { cleanMissing } from './clean-missing.ts';
import { normalize } from './normalize.ts';
import { oneHot } from './one-hot.ts';
import { selectColumns } from './select-columns.ts';
import { split } from './split.ts';
import { sqlQuery } from './sql-query.ts';

export { applyStepsSql, type StepColumn, StepColumnError } from './fitted-step-sql.ts';
export { applyTransform, cleanMissing, normalize, oneHot, selectColumns, split, sqlQuery };

/** Every node this package provides. */
export const transformNodes: readonly AnyNodeDefinition[] = [
  selectColumns,
  cleanMissing,
  normalize,
  oneHot,
  split,
  applyTransform,
  sqlQuery,
];

/** The plugin entry's export: every node this package provides (its package.json lists them under `loom.nodes`). */
export const nodes = transformNodes;
