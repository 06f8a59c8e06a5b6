// Saving makes versions; File → Version history… restores an older one as an undoable edit, and saving
// then makes it the newest version.
import { expect, test } from '../fixtures.ts';
import {
  clickEmptyCanvas,
  exportJson,
  importDocument,
  node,
  openDesigner,
  pageErrors,
  runCommand,
  selectNode,
  toast,
} from './support/designer.ts';

const START = {
  format: 'loom.pipeline',
  formatVersion: 1,
  name: 'versions',
  nodes: [
    {
      id: 'csv',
      type: 'data.csv',
      version: '1.0.0',
      params: { path: 'iris.csv' },
      ui: { position: { x: 0, y: 0 }, label: 'Iris measurements' },
    },
    { id: 'split', type: 'transform.split', version: '1.0.0', params: {}, ui: { position: { x: 300, y: 0 } } },
  ],
  edges: [{ id: 'e1', from: { node: 'csv', port: 'table' }, to: { node: 'split', port: 'table' } }],
};

test('restoring version 1 brings back its content; the change saved as version 2 is gone', async ({ page, loom }) => {
  await openDesigner(page);
  await importDocument(page, { name: 'versions.loom.json', text: JSON.stringify(START) }, 2);
  const saveState = page.getByTestId('save-state');
  await expect(saveState).toHaveText('not saved');

  await page.getByTestId('save-button').click();
  await expect(saveState).toHaveText('saved · v1');
  await expect(toast(page, 'success')).toHaveText('Saved versions, version 1');
  await expect(page).toHaveURL(/#\/pipelines\/[^/]+$/);
  const pipelineId = /#\/pipelines\/([^/]+)$/.exec(page.url())?.[1] ?? '';
  const v1 = await exportJson(page);

  // The change: a new label and another split fraction, saved with Ctrl+S.
  const inspector = await selectNode(page, 'csv');
  await inspector.getByTestId('node-label').fill('Renamed in version 2');
  await (await selectNode(page, 'split')).getByTestId('param-fraction').fill('0.3');
  await expect(saveState).toHaveText('unsaved changes');
  await clickEmptyCanvas(page);
  await page.keyboard.press('ControlOrMeta+s');
  await expect(saveState).toHaveText('saved · v2');
  await expect(node(page, 'csv')).toContainText('Renamed in version 2');
  const v2 = await exportJson(page);
  expect(v2.text).not.toBe(v1.text);

  const { versions } = await loom.api<{ versions: Array<{ version: number }> }>(
    `/api/pipelines/${pipelineId}/versions`,
  );
  expect(versions.map((version) => version.version)).toEqual([2, 1]);

  await runCommand(page, 'file', 'file.versions');
  const dialog = page.getByTestId('versions-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('restore-v2')).toBeDisabled();
  await dialog.getByTestId('restore-v1').click();
  await expect(dialog).toBeHidden();
  await expect(toast(page, 'info')).toHaveText('Restored version 1; save to keep it as the newest version');

  // Version 1's content is back, exactly; the file has unsaved changes (it differs from version 2).
  await expect(node(page, 'csv')).toContainText('Iris measurements');
  await expect(node(page, 'csv')).not.toContainText('Renamed in version 2');
  await expect(saveState).toHaveText('unsaved changes');
  expect((await exportJson(page)).text).toBe(v1.text);
  await expect((await selectNode(page, 'split')).getByTestId('param-fraction')).toHaveValue('');

  // The restore is an edit like any other: undo brings version 2 back, redo version 1 again.
  await clickEmptyCanvas(page);
  await page.keyboard.press('ControlOrMeta+z');
  expect((await exportJson(page)).text).toBe(v2.text);
  await expect(saveState).toHaveText('saved · v2');
  await page.keyboard.press('ControlOrMeta+Shift+z');
  expect((await exportJson(page)).text).toBe(v1.text);

  // Saving makes it version 3, with version 1's content.
  await page.getByTestId('save-button').click();
  await expect(saveState).toHaveText('saved · v3');
  const latest = await loom.api<{ version: number; document: unknown }>(`/api/pipelines/${pipelineId}`);
  expect(latest.version).toBe(3);
  expect(latest.document).toEqual(JSON.parse(v1.text));
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
