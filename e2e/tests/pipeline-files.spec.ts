// A new pipeline is named before its first save; File → Open lists pipelines with dates, searches,
// renames and deletes them; a node's id is edited in the inspector.
import { expect, test } from '../fixtures.ts';
import {
  clickEmptyCanvas,
  dragFromPalette,
  node,
  openDesigner,
  pageErrors,
  runCommand,
  selectNode,
  setParam,
  toast,
} from './support/designer.ts';

test('names a new pipeline on its first save, then renames, finds and deletes it in File → Open', async ({ page }) => {
  await openDesigner(page);
  const id = await dragFromPalette(page, 'data.csv', { x: 200, y: 150 });
  await setParam(page, id, 'path', 'iris.csv');

  // The node id: checked as typed, applied on Enter.
  const idField = (await selectNode(page, id)).getByTestId('node-id');
  await idField.fill('iris data');
  await expect(page.getByTestId('node-id-error')).toHaveText('Only letters, digits, _, . and - (not spaces)');
  await idField.fill('iris_file');
  await idField.press('Enter');
  await expect(node(page, 'iris_file')).toBeVisible();
  await expect(idField).toHaveValue('iris_file');

  // Save asks for a name, offering one from the file read; Escape saves nothing.
  const saveState = page.getByTestId('save-state');
  await page.getByTestId('save-button').click();
  const nameInput = page.getByTestId('pipeline-name-input');
  await expect(nameInput).toBeFocused();
  await expect(nameInput).toHaveValue('iris');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('name-dialog')).toBeHidden();
  await expect(saveState).toHaveText('not saved');

  await page.getByTestId('save-button').click();
  await nameInput.fill('my-iris');
  await nameInput.press('Enter');
  await expect(toast(page, 'success')).toHaveText('Saved my-iris, version 1');
  await expect(saveState).toHaveText('saved · v1');

  await clickEmptyCanvas(page);
  await runCommand(page, 'file', 'file.open');
  const dialog = page.getByTestId('open-dialog');
  await expect(dialog.getByTestId('open-my-iris')).toContainText(/v1 · today \d\d:\d\d/);
  await dialog.getByTestId('open-search').fill('nothing like it');
  await expect(dialog.getByTestId('open-row')).toHaveCount(0);
  await dialog.getByTestId('open-search').fill('IRIS');
  await expect(dialog.getByTestId('open-row')).toHaveCount(1);

  await dialog.getByTestId('rename-my-iris').click();
  await dialog.getByTestId('rename-input').fill('iris-renamed');
  await dialog.getByTestId('rename-input').press('Enter');
  await expect(toast(page, 'success')).toHaveText('Renamed to iris-renamed');
  await expect(dialog.getByTestId('open-iris-renamed')).toContainText('v2');
  await expect(page.getByTestId('pipeline-name')).toHaveValue('iris-renamed');
  await expect(saveState).toHaveText('saved · v2');

  page.once('dialog', (question) => {
    expect(question.message()).toContain('Delete "iris-renamed" and its 2 versions?');
    void question.accept();
  });
  await dialog.getByTestId('delete-iris-renamed').click();
  await expect(toast(page, 'success')).toHaveText('Deleted iris-renamed');
  await expect(dialog.getByTestId('open-row')).toHaveCount(0);
  await expect(saveState).toHaveText('not saved');
  expect(pageErrors(page)).toEqual([]);
});
