import type { StoredStep } from '@loom/server/api-types';
import { describe, expect, it } from 'vitest';
import { createEditorStore } from '../store/editor-store.ts';
import { findProblems } from '../store/problems.ts';
import { testCatalog } from '../test-fixtures/test-catalog.ts';
import { cacheVerdict } from './cache-status.ts';

function planOf(change?: (store: ReturnType<typeof createEditorStore>) => void) {
  const catalog = testCatalog();
  const store = createEditorStore(catalog);
  const csv = store.getState().addNode('data.csv', '1.0.0', { x: 0, y: 0 });
  const split = store.getState().addNode('transform.split', '1.0.0', { x: 0, y: 0 });
  store.getState().setNodeParam(csv, 'path', 'iris.csv');
  store.getState().addEdge({ from: { node: csv, port: 'table' }, to: { node: split, port: 'table' } });
  change?.(store);
  const plan = findProblems(store.getState().document, catalog.registry).plan;
  if (plan === undefined) throw new Error('test pipeline does not compile');
  return plan;
}

const done = (id: string): StoredStep => ({
  id,
  type: 't',
  version: '1.0.0',
  title: id,
  status: 'succeeded',
  attempts: 1,
  metrics: {},
  outputs: {},
});

describe('cache verdict', () => {
  it('an unchanged step with a result will be reused', () => {
    const plan = planOf();
    const verdict = cacheVerdict('split', plan, { plan, steps: { csv: done('csv'), split: done('split') } });
    expect(verdict.kind).toBe('reuse');
  });

  it('names the parameter that changed, and the upstream step for its dependents', () => {
    const before = planOf();
    const after = planOf((store) => store.getState().setNodeParam('csv', 'path', 'other.csv'));
    const previous = { plan: before, steps: { csv: done('csv'), split: done('split') } };
    expect(cacheVerdict('csv', after, previous)).toEqual({ kind: 'rerun', reason: 'Its parameters changed: path.' });
    expect(cacheVerdict('split', after, previous)).toEqual({ kind: 'rerun', reason: 'Upstream step csv changed.' });
  });

  it('a step that failed in the shown run will run', () => {
    const plan = planOf();
    const failed = { ...done('split'), status: 'failed' };
    expect(cacheVerdict('split', plan, { plan, steps: { csv: done('csv'), split: failed } }).kind).toBe('rerun');
  });

  it('without a plan there is nothing to judge', () => {
    expect(cacheVerdict('split', undefined, undefined).kind).toBe('unknown');
  });
});
