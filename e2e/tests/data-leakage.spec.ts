// Normalising before splitting, as visual designers often draw it: the canvas names the leakage on the
// node and the fix in the problems list before anything runs, from the compiler running in the browser.
import { readFile } from 'node:fs/promises';
import { expect, test } from '../fixtures.ts';
import { pageErrors } from './support/designer.ts';
import { IRIS_EXAMPLE, openDocument, type PipelineJson } from './support/documents.ts';

/** The iris example rewired: CSV → normalize → split → train → export.onnx → validate.model → deploy.endpoint. */
async function normalizeBeforeSplit(): Promise<PipelineJson> {
  const iris = JSON.parse(await readFile(IRIS_EXAMPLE, 'utf8')) as PipelineJson;
  const edge = (from: string, to: string) => {
    const [fromNode, fromPort] = from.split('.') as [string, string];
    const [toNode, toPort] = to.split('.') as [string, string];
    return { from: { node: fromNode, port: fromPort }, to: { node: toNode, port: toPort } };
  };
  return {
    ...iris,
    name: 'iris-normalize-before-split',
    nodes: iris.nodes.filter((node) => node.id !== 'importance'),
    edges: [
      edge('iris.table', 'normalize.table'),
      edge('normalize.table', 'split.table'),
      edge('split.train', 'train.table'),
      edge('train.model', 'onnx.model'),
      edge('onnx.onnx', 'validate.onnx'),
      edge('split.test', 'validate.table'),
      edge('onnx.onnx', 'deploy.onnx'),
      edge('validate.metrics', 'deploy.metrics'),
    ],
  };
}

test('normalising before the split is marked on the node, with the fix, before any run', async ({ page }) => {
  await openDocument(page, await normalizeBeforeSplit());
  await expect(page.getByTestId('problems-count')).toHaveText('1 problem');
  await expect(page.getByTestId('problem-normalize')).toBeVisible();
  const item = page.getByTestId('problem-item');
  await expect(item).toContainText('data leakage');
  await expect(item).toContainText('Move the split before "normalize"');
  expect(pageErrors(page)).toEqual([]);
});

test('the example, which splits first, has no problem', async ({ page }) => {
  await openDocument(page, JSON.parse(await readFile(IRIS_EXAMPLE, 'utf8')) as PipelineJson);
  await expect(page.getByTestId('problems-count')).toHaveText('✓ No problems');
});
