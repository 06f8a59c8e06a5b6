// Column parameters offer the upstream table's columns, from the source file before any run and from
// the run's outputs after one, and a misspelt column is a problem before running.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures.ts';
import { EXAMPLES } from '../paths.ts';
import { importDocument, openDesigner, pageErrors, selectNode, setParam, startRun } from './support/designer.ts';

const IRIS_COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'];

/** The names a field offers: the options of the datalist its `list` attribute names. */
async function offeredColumns(page: Page, testId: string): Promise<string[]> {
  return page.getByTestId(testId).evaluate((element) => {
    const list = (element as HTMLInputElement).list;
    return list === null ? [] : [...list.options].map((option) => option.value);
  });
}

test('the label field offers the iris columns, and a misspelt column is a problem before running', async ({ page }) => {
  await openDesigner(page);
  await importDocument(page, join(EXAMPLES, 'iris-classification', 'pipeline.loom.json'), 8);

  // Before any run: the CSV's header, read by the server, through the split and the rescale.
  await selectNode(page, 'train');
  await expect.poll(() => offeredColumns(page, 'param-label')).toEqual(IRIS_COLUMNS);
  await selectNode(page, 'split');
  await expect.poll(() => offeredColumns(page, 'param-stratify_by')).toEqual(IRIS_COLUMNS);

  await setParam(page, 'train', 'label', 'specis');
  const problems = page.getByTestId('problems');
  await expect(problems).toContainText('label: no column "specis"');
  await expect(problems).toContainText('did you mean "species"?');
  await expect(page.getByTestId('node-inspector')).toContainText('did you mean "species"?');

  await setParam(page, 'train', 'label', 'species');
  await expect(page.getByTestId('problems-count')).toHaveText('✓ No problems');

  // After a run: what the run wrote (the same columns here), now known for every table output.
  await startRun(page);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await selectNode(page, 'validate');
  await expect.poll(() => offeredColumns(page, 'param-label')).toEqual(IRIS_COLUMNS);
  expect(pageErrors(page)).toEqual([]);
});
