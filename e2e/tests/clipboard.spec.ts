// Copy and paste (the keyboard's, through the browser's clipboard events, and the Edit menu's, through
// the Clipboard API) and duplicate: the copies get fresh ids, keep their parameters and the edges
// between them, and land beside the originals.
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures.ts';
import {
  canvasEdges,
  canvasNodes,
  clickEmptyCanvas,
  emptyCanvasPoint,
  nodeIds,
  pageErrors,
  pane,
  runCommand,
  selectNode,
} from './support/designer.ts';
import { exportedDocument, openDocument, startDocument, trainingRow } from './support/documents.ts';

const START = startDocument('clipboard', trainingRow({ fraction: 0.25, stratify_by: 'species' }), [
  { id: 'e1', from: { node: 'csv', port: 'table' }, to: { node: 'split', port: 'table' } },
  { id: 'e2', from: { node: 'split', port: 'train' }, to: { node: 'logistic_regression', port: 'table' } },
]);

/** Selects csv and split (click, then Ctrl+click) and moves the pointer to an empty spot of the canvas. */
async function selectCsvAndSplit(page: Page): Promise<void> {
  await selectNode(page, 'csv');
  await page
    .getByTestId('node-split')
    .locator('.pipeline-node-header')
    .click({ position: { x: 8, y: 8 }, modifiers: ['ControlOrMeta'] });
  await expect(page.getByTestId('inspector')).toContainText('2 nodes selected');
}

test.beforeEach(async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openDocument(page, START);
});

test('Ctrl+C, Ctrl+V paste copies of the selected nodes with new ids and the edge between them', async ({ page }) => {
  const before = await exportedDocument(page);
  await selectCsvAndSplit(page);
  await page.keyboard.press('ControlOrMeta+c');

  // Paste where the pointer is: an empty spot of the canvas.
  const spot = await emptyCanvasPoint(page);
  const canvas = await pane(page).boundingBox();
  if (canvas === null) throw new Error('no canvas');
  await page.mouse.move(canvas.x + spot.x, canvas.y + spot.y);
  await page.keyboard.press('ControlOrMeta+v');

  await expect(canvasNodes(page)).toHaveCount(5);
  expect(await nodeIds(page)).toEqual(['csv', 'split', 'logistic_regression', 'csv_2', 'split_2']);
  await expect(canvasEdges(page)).toHaveCount(3);
  // What was pasted is selected.
  await expect(page.getByTestId('inspector')).toContainText('2 nodes selected');

  const after = await exportedDocument(page);
  // The originals are untouched.
  expect(after.nodes.slice(0, 3)).toEqual(before.nodes);
  expect(after.edges?.slice(0, 2)).toEqual(before.edges);
  // The copies keep type and parameters, under new ids, with the edge between them (not the one to the trainer).
  const [csv2, split2] = after.nodes.slice(3);
  expect(csv2).toMatchObject({ id: 'csv_2', type: 'data.csv', params: { path: 'iris.csv' } });
  expect(split2).toMatchObject({
    id: 'split_2',
    type: 'transform.split',
    params: { fraction: 0.25, stratify_by: 'species' },
  });
  expect(after.edges?.[2]).toMatchObject({
    from: { node: 'csv_2', port: 'table' },
    to: { node: 'split_2', port: 'table' },
  });
  // They keep their layout relative to each other, moved away from the originals.
  const dx = (split2?.ui?.position?.x ?? 0) - (csv2?.ui?.position?.x ?? 0);
  expect(dx).toBe(300);
  expect(csv2?.ui?.position).not.toEqual(before.nodes[0]?.ui?.position);

  // The same clipboard pastes again, with the next free ids.
  await page.keyboard.press('ControlOrMeta+v');
  await expect(canvasNodes(page)).toHaveCount(7);
  expect((await nodeIds(page)).slice(5)).toEqual(['csv_3', 'split_3']);
  await expect(canvasEdges(page)).toHaveCount(4);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('Edit → Copy and Edit → Paste do the same through the Clipboard API', async ({ page }) => {
  await selectCsvAndSplit(page);
  await runCommand(page, 'edit', 'edit.copy');
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('"loom.fragment"');
  await runCommand(page, 'edit', 'edit.paste');
  await expect(canvasNodes(page)).toHaveCount(5);
  expect((await nodeIds(page)).slice(3)).toEqual(['csv_2', 'split_2']);
  await expect(canvasEdges(page)).toHaveCount(3);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('Ctrl+D duplicates the selection beside it', async ({ page }) => {
  const before = await exportedDocument(page);
  await selectNode(page, 'split');
  await page.keyboard.press('ControlOrMeta+d');
  await expect(canvasNodes(page)).toHaveCount(4);
  await expect(page.getByTestId('node-inspector').getByTestId('node-id')).toHaveValue('split_2');
  const after = await exportedDocument(page);
  const copy = after.nodes[3];
  expect(copy).toMatchObject({
    id: 'split_2',
    type: 'transform.split',
    params: { fraction: 0.25, stratify_by: 'species' },
  });
  const original = before.nodes[1]?.ui?.position ?? { x: 0, y: 0 };
  expect(copy?.ui?.position).toEqual({ x: original.x + 40, y: original.y + 40 });
  // A lone node has no edges to copy.
  expect(after.edges).toEqual(before.edges);
  await clickEmptyCanvas(page);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
