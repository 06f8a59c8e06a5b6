// Undo and redo walk back and forth through the document's history exactly: after each undo the
// exported document is byte for byte the one exported after the edit it returns to.
import { expect, test } from '../fixtures.ts';
import {
  canvasEdges,
  canvasNodes,
  clickEmptyCanvas,
  connect,
  dragFromPalette,
  dropPointFor,
  type Exported,
  exportJson,
  moveNode,
  pageErrors,
  runCommand,
  setParam,
} from './support/designer.ts';
import { openDocument, type PipelineJson, startDocument, trainingRow } from './support/documents.ts';

/**
 * Where the history starts: an imported document (importing starts the undo history afresh), three nodes
 * wide so that the canvas fits it below 100 % and there is room to add more beside them.
 */
const START = startDocument('undo-redo', trainingRow());

test('undo and redo step through every edit, each state exported exactly as it was', async ({ page }) => {
  await openDocument(page, START);

  const history: Array<{ edit: string; exported: Exported }> = [];
  const record = async (edit: string) => {
    // Out of the inspector's inputs first: they keep Mod+Z for their own text.
    await clickEmptyCanvas(page);
    history.push({ edit, exported: await exportJson(page) });
  };
  await record('imported');

  expect(await dragFromPalette(page, 'export.onnx', await dropPointFor(page, { x: 300, y: 260 }))).toBe('export');
  await record('add onnx export');
  expect(await dragFromPalette(page, 'validate.model', await dropPointFor(page, { x: 0, y: 260 }))).toBe('validate');
  await record('add validation');
  await connect(page, ['csv', 'table'], ['split', 'table']);
  await record('connect csv → split');
  await connect(page, ['logistic_regression', 'model'], ['export', 'model']);
  await record('connect logistic regression → onnx');
  await setParam(page, 'split', 'fraction', '0.3');
  await record('set split.fraction');
  await moveNode(page, 'csv', { x: 0, y: 160 });
  await record('move csv');
  await page.getByTestId('rf__edge-e1').click();
  await page.keyboard.press('Delete');
  await expect(canvasEdges(page)).toHaveCount(1);
  await record('delete edge csv → split');

  // Every edit changed the document, in the way it says.
  const documents = history.map(({ exported }) => JSON.parse(exported.text) as PipelineJson);
  for (const [i, entry] of history.entries()) {
    expect(entry.exported.fileName).toBe('undo-redo.loom.json');
    if (i > 0)
      expect(entry.exported.text, `"${entry.edit}" changed the document`).not.toBe(history[i - 1]?.exported.text);
  }
  const all = ['csv', 'split', 'logistic_regression', 'export', 'validate'];
  expect(documents.map((document) => document.nodes.map((node) => node.id))).toEqual([
    all.slice(0, 3),
    all.slice(0, 4),
    all,
    all,
    all,
    all,
    all,
    all,
  ]);
  expect(documents.map((document) => (document.edges ?? []).map((edge) => edge.id))).toEqual([
    [],
    [],
    [],
    ['e1'],
    ['e1', 'e2'],
    ['e1', 'e2'],
    ['e1', 'e2'],
    ['e2'],
  ]);
  expect(documents[5]?.nodes[1]?.params).toEqual({ fraction: 0.3 });
  const csvY = documents.map((document) => document.nodes[0]?.ui?.position?.y ?? 0);
  expect((csvY[6] ?? 0) - (csvY[5] ?? 0), 'the csv node moved down by about the drag').toBeGreaterThan(100);

  // Undo, all the way back: the first through the Edit menu, the rest with Ctrl+Z.
  for (let i = history.length - 1; i > 0; i--) {
    if (i === history.length - 1) await runCommand(page, 'edit', 'edit.undo');
    else await page.keyboard.press('ControlOrMeta+z');
    const exported = await exportJson(page);
    expect(exported.text, `undo of "${history[i]?.edit}" gives the document after "${history[i - 1]?.edit}"`).toBe(
      history[i - 1]?.exported.text,
    );
  }
  await expect(canvasNodes(page)).toHaveCount(3);
  await expect(canvasEdges(page)).toHaveCount(0);
  // Nothing before the import to undo.
  await page.keyboard.press('ControlOrMeta+z');
  expect((await exportJson(page)).text, 'undo past the import changes nothing').toBe(history[0]?.exported.text);

  // Redo, all the way forward: Ctrl+Shift+Z, the last through the Edit menu.
  for (let i = 1; i < history.length; i++) {
    if (i === history.length - 1) await runCommand(page, 'edit', 'edit.redo');
    else await page.keyboard.press('ControlOrMeta+Shift+z');
    const exported = await exportJson(page);
    expect(exported.text, `redo of "${history[i]?.edit}"`).toBe(history[i]?.exported.text);
  }
  await expect(canvasNodes(page)).toHaveCount(5);
  await expect(canvasEdges(page)).toHaveCount(1);
  // Nothing left to redo.
  await page.keyboard.press('ControlOrMeta+Shift+z');
  expect((await exportJson(page)).text, 'redo past the last edit changes nothing').toBe(history.at(-1)?.exported.text);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
