// The canvas opens, tidies and fits to a zoom at which node text can be read, and the step drawer never
// hides the node whose step it shows: it pans the canvas, drops the minimap when the canvas gets short,
// and can be resized from its top edge, by mouse or keyboard.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { EXAMPLES, expect, test } from '../fixtures.ts';
import {
  canvasNodes,
  expectStatuses,
  importDocument,
  node,
  openDesigner,
  pageErrors,
  runCommand,
  selectNode,
  startRun,
  viewport,
  waitForCanvasToSettle,
} from './support/designer.ts';
import { type DocumentNode, type PipelineJson, startDocument } from './support/documents.ts';

const DIABETES = join(EXAMPLES, 'diabetes-regression', 'pipeline.loom.json');

/** The smallest node title on screen, in pixels: its font size scaled by the canvas zoom, and its line's height. */
async function titleSize(page: Page): Promise<{ font: number; line: number }> {
  const { zoom } = await viewport(page);
  const sizes = await page.locator('.react-flow__node .pipeline-node-title').evaluateAll((titles) =>
    titles.map((title) => ({
      font: Number.parseFloat(getComputedStyle(title).fontSize),
      line: title.getBoundingClientRect().height,
    })),
  );
  expect(sizes.length, 'node titles on the canvas').toBeGreaterThan(0);
  return {
    font: Math.min(...sizes.map((size) => size.font)) * zoom,
    line: Math.min(...sizes.map((size) => size.line)),
  };
}

/** Whether the node's whole box lies inside the canvas' visible box. */
async function insideCanvas(page: Page, id: string): Promise<boolean> {
  const canvas = await page.getByLabel('Pipeline canvas').boundingBox();
  const box = await node(page, id).boundingBox();
  if (canvas === null || box === null) return false;
  return (
    box.x >= canvas.x &&
    box.y >= canvas.y &&
    box.x + box.width <= canvas.x + canvas.width &&
    box.y + box.height <= canvas.y + canvas.height
  );
}

/** `count` CSV steps in one row, 300 flow pixels apart: a long chain's shape, quick to run. */
function csvRow(count: number, y = 0): DocumentNode[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `csv_${i + 1}`,
    type: 'data.csv',
    version: '1.0.0',
    params: { path: 'iris.csv' },
    ui: { position: { x: i * 300, y } },
  }));
}

async function importJson(page: Page, document: PipelineJson): Promise<void> {
  await importDocument(
    page,
    { name: `${document.name}.loom.json`, text: JSON.stringify(document) },
    document.nodes.length,
  );
  await waitForCanvasToSettle(page);
}

test('the diabetes example opens readable, at its start, and Tidy up wraps it to fit the canvas', async ({ page }) => {
  await openDesigner(page);
  const document = JSON.parse(await readFile(DIABETES, 'utf8')) as PipelineJson;
  await importDocument(page, DIABETES, document.nodes.length);
  await waitForCanvasToSettle(page);

  // Fitted whole (1536 flow pixels on an 872-pixel canvas) its titles were about 6 px.
  const opened = await titleSize(page);
  expect(opened.font, 'node title font size on screen after opening').toBeGreaterThanOrEqual(11);
  expect(opened.line).toBeGreaterThanOrEqual(11);
  expect(await insideCanvas(page, 'diabetes'), 'the first step is in view').toBe(true);

  await runCommand(page, 'edit', 'edit.auto-layout');
  await expect.poll(() => insideCanvas(page, 'mlp_validate'), { message: 'the last step comes into view' }).toBe(true);
  await waitForCanvasToSettle(page);
  const tidied = await titleSize(page);
  expect(tidied.font, 'node title font size on screen after Tidy up').toBeGreaterThanOrEqual(11);
  // More than one row, and every step in view at that zoom.
  const tops = await canvasNodes(page).evaluateAll((nodes) =>
    nodes.map((n) => Math.round(n.getBoundingClientRect().top)),
  );
  expect(Math.max(...tops) - Math.min(...tops), 'the steps span more than one row').toBeGreaterThan(150);
  for (const { id } of document.nodes) expect(await insideCanvas(page, id), `${id} in view`).toBe(true);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('Fit view on a long chain keeps the text readable and shows the selection', async ({ page }) => {
  await openDesigner(page);
  await importJson(page, startDocument('long-chain', csvRow(6)));
  expect((await titleSize(page)).font).toBeGreaterThanOrEqual(11);
  expect(await insideCanvas(page, 'csv_1'), 'the start of the chain is in view').toBe(true);

  await page.getByRole('button', { name: 'Zoom out' }).click();
  await page.getByRole('button', { name: 'Zoom out' }).click();
  await waitForCanvasToSettle(page);
  await selectNode(page, 'csv_6');
  await page.getByRole('button', { name: 'Fit view' }).click();
  await waitForCanvasToSettle(page);
  expect((await titleSize(page)).font, 'node title font size on screen after Fit view').toBeGreaterThanOrEqual(11);
  expect(await insideCanvas(page, 'csv_6'), 'the selected step is in view').toBe(true);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('at 1280×720 the drawer keeps its node in view, hides the minimap and resizes from its top edge', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openDesigner(page);
  // The step whose drawer is opened sits low: where the drawer will be.
  await importJson(
    page,
    startDocument('drawer-room', [...csvRow(1), ...csvRow(1, 460).map((n) => ({ ...n, id: 'low' }))]),
  );
  await expect(page.getByTestId('canvas-minimap')).toBeVisible();
  await startRun(page);
  await expectStatuses(page, ['csv_1', 'low'], 'succeeded');

  const inspector = await selectNode(page, 'low');
  await inspector.getByTestId('open-step').click();
  const drawer = page.getByTestId('step-drawer');
  await expect(drawer).toBeVisible();
  await waitForCanvasToSettle(page);
  await expect.poll(() => insideCanvas(page, 'low'), { message: 'the node stays above the drawer' }).toBe(true);
  const drawerBox = await drawer.boundingBox();
  const nodeBox = await node(page, 'low').boundingBox();
  if (drawerBox === null || nodeBox === null) throw new Error('no box for the drawer or the node');
  expect(nodeBox.y + nodeBox.height).toBeLessThanOrEqual(drawerBox.y);
  // About 350 pixels of canvas: no room for the minimap beside the nodes.
  await expect(page.getByTestId('canvas-minimap')).toBeHidden();

  // Drag the drawer's top edge 120 pixels up: it grows by as much, and the node is still in view.
  const handle = page.getByRole('separator', { name: 'Resize step details' });
  await expect(handle).toHaveAttribute('aria-orientation', 'horizontal');
  const before = drawerBox.height;
  const grip = await handle.boundingBox();
  if (grip === null) throw new Error('no box for the resize handle');
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
  await page.mouse.down();
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2 - 60, { steps: 4 });
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2 - 120, { steps: 4 });
  await page.mouse.up();
  await expect.poll(async () => Math.round((await drawer.boundingBox())?.height ?? 0)).toBe(Math.round(before + 120));
  await expect.poll(() => insideCanvas(page, 'low'), { message: 'the node stays above the taller drawer' }).toBe(true);
  expect(await page.evaluate(() => localStorage.getItem('loom.stepDrawerHeight'))).toBe(
    String(Math.round(before + 120)),
  );

  // The keyboard does the same: the handle is focusable, Arrow Down makes the drawer shorter.
  await handle.focus();
  await page.keyboard.press('ArrowDown');
  await expect.poll(async () => Math.round((await drawer.boundingBox())?.height ?? 0)).toBe(Math.round(before + 96));
  await expect(handle).toHaveAttribute('aria-valuenow', String(Math.round(before + 96)));
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
