// Notes on the canvas: added with N where the pointer is, written in place, kept in the exported
// document (format 2), undone in one step, and selected together with nodes by a Shift-drag box.
import { expect, test } from '../fixtures.ts';
import {
  clickEmptyCanvas,
  exportJson,
  importDocument,
  node,
  openDesigner,
  pageErrors,
  pane,
  waitForCanvasToSettle,
} from './support/designer.ts';
import { IRIS_EXAMPLE, IRIS_STEPS } from './support/documents.ts';

test('a note is added with N, written in place, exported, and undone in one step', async ({ page }) => {
  await openDesigner(page);
  await importDocument(page, IRIS_EXAMPLE, IRIS_STEPS.length);
  await waitForCanvasToSettle(page);

  const box = await pane(page).boundingBox();
  if (box === null) throw new Error('no canvas');
  await page.mouse.move(box.x + box.width / 2, box.y + 60);
  await page.keyboard.press('n');
  const editor = page.getByTestId('note-editor-note');
  await expect(editor).toBeFocused();
  await page.keyboard.type('Stratified split: keep the classes balanced.');
  await clickEmptyCanvas(page);
  await expect(page.getByTestId('note-note')).toContainText('Stratified split: keep the classes balanced.');

  const exported = JSON.parse((await exportJson(page)).text) as {
    formatVersion: number;
    notes?: Array<{ id: string; text: string }>;
  };
  expect(exported.formatVersion).toBe(2);
  expect(exported.notes).toEqual([
    expect.objectContaining({ id: 'note', text: 'Stratified split: keep the classes balanced.' }),
  ]);

  // Writing the text is one edit and adding the note another.
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('note-note')).not.toContainText('Stratified');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('note-note')).toHaveCount(0);
  expect(pageErrors(page)).toEqual([]);
});

test('a Shift-drag box selects the nodes inside it', async ({ page }) => {
  await openDesigner(page);
  await importDocument(page, IRIS_EXAMPLE, IRIS_STEPS.length);
  await waitForCanvasToSettle(page);

  const first = await node(page, 'iris').boundingBox();
  const second = await node(page, 'split').boundingBox();
  if (first === null || second === null) throw new Error('nodes not on the canvas');
  await page.keyboard.down('Shift');
  await page.mouse.move(first.x - 20, Math.min(first.y, second.y) - 20);
  await page.mouse.down();
  await page.mouse.move(second.x + second.width / 2, second.y + second.height / 2, { steps: 5 });
  await page.mouse.move(second.x + second.width + 10, Math.max(first.y + first.height, second.y + second.height) + 20, {
    steps: 5,
  });
  await page.mouse.up();
  await page.keyboard.up('Shift');

  await expect(page.getByTestId('inspector')).toContainText('2 nodes selected');
  await expect(node(page, 'iris')).toHaveClass(/is-selected/);
  await expect(node(page, 'split')).toHaveClass(/is-selected/);
  await expect(node(page, 'train')).not.toHaveClass(/is-selected/);
});
