// Finding and adding nodes without the mouse: the palette's search, Enter on a palette entry, and the
// quick-add box (A or /) driven entirely from the keyboard.
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures.ts';
import { canvasNodes, clickEmptyCanvas, node, openDesigner, pageErrors, pane } from './support/designer.ts';

interface CatalogEntry {
  type: string;
  title: string;
  latest: boolean;
}

const paletteItems = (page: Page) => page.locator('.palette-item');

/** Whether a node's box lies inside the visible canvas. */
async function inView(page: Page, id: string): Promise<boolean> {
  const canvas = await pane(page).boundingBox();
  const box = await node(page, id).boundingBox();
  if (canvas === null || box === null) return false;
  return (
    box.x >= canvas.x &&
    box.y >= canvas.y &&
    box.x + box.width <= canvas.x + canvas.width &&
    box.y + box.height <= canvas.y + canvas.height
  );
}

test('the palette search filters the node types as you type', async ({ page, loom }) => {
  const { nodes } = await loom.api<{ nodes: CatalogEntry[] }>('/api/nodes');
  const latest = nodes.filter((entry) => entry.latest);
  await openDesigner(page);
  const search = page.getByTestId('palette-search');
  await expect(paletteItems(page)).toHaveCount(latest.length);

  await search.fill('split');
  await expect(page.getByTestId('palette-transform.split')).toBeVisible();
  await expect(page.getByTestId('palette-data.csv')).toHaveCount(0);
  await expect(page.getByTestId('palette-train.logistic_regression')).toHaveCount(0);
  const shown = await paletteItems(page).count();
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThan(latest.length);
  // The entry whose title starts with the query comes first.
  await expect(paletteItems(page).first()).toHaveAttribute('data-testid', 'palette-transform.split');

  // Every word must match, in any order, whatever the case.
  await search.fill('ONNX export');
  await expect(page.getByTestId('palette-export.onnx')).toBeVisible();
  await expect(page.getByTestId('palette-transform.split')).toHaveCount(0);
  await search.fill('logistic regression');
  await expect(paletteItems(page)).toHaveCount(1);
  await expect(page.getByTestId('palette-train.logistic_regression')).toBeVisible();

  await search.fill('no-such-node-type');
  await expect(paletteItems(page)).toHaveCount(0);
  await expect(page.locator('.palette')).toContainText('No node matches “no-such-node-type”.');

  await search.fill('');
  await expect(paletteItems(page)).toHaveCount(latest.length);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('Enter on a palette entry adds the node in view, selected', async ({ page }) => {
  await openDesigner(page);
  await page.getByTestId('palette-search').fill('csv');
  await page.getByTestId('palette-data.csv').focus();
  await page.keyboard.press('Enter');
  await expect(canvasNodes(page)).toHaveCount(1);
  await expect(node(page, 'csv')).toBeVisible();
  expect(await inView(page, 'csv')).toBe(true);
  await expect(page.getByTestId('node-inspector').getByTestId('node-id')).toHaveValue('csv');

  // Double-click adds another, with a fresh id.
  await page.getByTestId('palette-data.csv').dblclick();
  await expect(canvasNodes(page)).toHaveCount(2);
  await expect(node(page, 'csv_2')).toBeVisible();
  expect(await inView(page, 'csv_2')).toBe(true);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('quick-add: A opens a search box, arrows choose, Enter adds the node', async ({ page }) => {
  await openDesigner(page);
  await clickEmptyCanvas(page);

  await page.keyboard.press('a');
  const input = page.getByTestId('quick-add-input');
  await expect(input).toBeVisible();
  await expect(input).toBeFocused();
  await page.keyboard.type('split');
  await expect(page.getByTestId('quick-add').getByRole('option').first()).toContainText('Split');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('quick-add')).toBeHidden();
  await expect(canvasNodes(page)).toHaveCount(1);
  await expect(node(page, 'split')).toBeVisible();
  expect(await inView(page, 'split')).toBe(true);
  await expect(page.getByTestId('node-inspector').getByTestId('node-id')).toHaveValue('split');

  // `/` opens it too; arrows move through the matches.
  await clickEmptyCanvas(page);
  await page.keyboard.press('/');
  await expect(input).toBeFocused();
  await page.keyboard.type('regression');
  const options = page.getByTestId('quick-add').getByRole('option');
  await expect(options.first()).toHaveAttribute('aria-selected', 'true');
  const titles = await options.locator('.quick-add-type').allTextContents();
  const wanted = titles.indexOf('train.logistic_regression');
  expect(wanted, `logistic regression is among ${titles.join(', ')}`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < wanted; i++) await page.keyboard.press('ArrowDown');
  await expect(options.nth(wanted)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(canvasNodes(page)).toHaveCount(2);
  await expect(node(page, 'logistic_regression')).toBeVisible();

  // Escape closes it without adding anything.
  await clickEmptyCanvas(page);
  await page.keyboard.press('a');
  await expect(input).toBeFocused();
  await page.keyboard.type('csv');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('quick-add')).toBeHidden();
  await expect(canvasNodes(page)).toHaveCount(2);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
