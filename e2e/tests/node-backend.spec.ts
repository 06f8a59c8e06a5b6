// "Runs on" in the node inspector: a node sent to Kubernetes Jobs gets a badge on the canvas, the
// choice is one undo step, and it is kept by export and import, by saving and by a reload.
import { expect, test } from '../fixtures.ts';
import {
  canonicalText,
  canvasNodes,
  clickEmptyCanvas,
  exportJson,
  importDocument,
  node,
  pageErrors,
  selectNode,
  toast,
  waitForCanvasToSettle,
} from './support/designer.ts';
import { type DocumentNode, exportedDocument, openDocument, startDocument, trainingRow } from './support/documents.ts';

type Node = DocumentNode & { backend?: string };

function backendOf(nodes: Node[], id: string): string | undefined {
  return nodes.find((candidate) => candidate.id === id)?.backend;
}

test('a node set to run as Kubernetes Jobs shows a badge, undoes and redoes, and is saved so', async ({
  page,
  loom,
}) => {
  await openDocument(page, startDocument('node-backend', trainingRow()));
  const badge = page.getByTestId('backend-split');
  await expect(badge).toHaveCount(0);

  // The select names the type's own backend, and offers every backend.
  const inspector = await selectNode(page, 'split');
  const runsOn = inspector.getByTestId('node-backend');
  await expect(runsOn).toHaveValue('');
  await expect(runsOn.locator('option')).toHaveText([
    'Node default (cpu)',
    'CPU workers',
    'GPU workers',
    'Kubernetes Job',
  ]);
  await expect(inspector.getByTestId('node-backend-hint')).toHaveText(
    'Each step runs on a CPU worker (needs loom worker --backend cpu)',
  );

  await runsOn.selectOption('kubernetes');
  await expect(badge).toHaveText('k8s');
  await expect(badge).toHaveAttribute('title', "Runs as Kubernetes Jobs (its type's default: cpu)");
  await expect(inspector.getByTestId('node-backend-hint')).toHaveText(
    'Each step runs as a Kubernetes Job (needs loom worker --backend kubernetes)',
  );
  // Only the node that changed: the others keep running where their types do.
  await expect(node(page, 'csv').locator('.backend-badge')).toHaveCount(0);

  // Export writes it in canonical form, after the node's parameters.
  await clickEmptyCanvas(page);
  const exported = await exportJson(page);
  expect(exported.text).toBe(await canonicalText(exported.text));
  expect(backendOf(JSON.parse(exported.text).nodes, 'split')).toBe('kubernetes');
  expect(backendOf(JSON.parse(exported.text).nodes, 'csv')).toBeUndefined();

  // One undo step: undo takes the field away again, redo brings it back.
  await page.keyboard.press('ControlOrMeta+z');
  await expect(badge).toHaveCount(0);
  expect(backendOf((await exportedDocument(page)).nodes, 'split')).toBeUndefined();
  await page.keyboard.press('ControlOrMeta+Shift+z');
  await expect(badge).toHaveText('k8s');
  expect((await exportJson(page)).text).toBe(exported.text);

  // Importing the exported file keeps it: the same badge, the same bytes out again.
  await importDocument(page, { name: 'node-backend.loom.json', text: exported.text }, 3);
  await expect(badge).toHaveText('k8s');
  expect((await exportJson(page)).text).toBe(exported.text);

  // Saved (under the name the document has), the server has it; a reload brings it back from there.
  await page.getByTestId('save-button').click();
  await expect(toast(page, 'success')).toHaveText('Saved node-backend, version 1');
  await expect(page).toHaveURL(/#\/pipelines\/[^/]+$/);
  const pipelineId = /#\/pipelines\/([^/]+)$/.exec(page.url())?.[1] ?? '';
  const saved = await loom.api<{ document: { nodes: Node[] } }>(`/api/pipelines/${encodeURIComponent(pipelineId)}`);
  expect(backendOf(saved.document.nodes, 'split')).toBe('kubernetes');
  expect(backendOf(saved.document.nodes, 'logistic_regression')).toBeUndefined();

  await page.reload();
  await expect(page.getByTestId('save-state')).toHaveText('saved · v1');
  await expect(canvasNodes(page)).toHaveCount(3);
  await waitForCanvasToSettle(page);
  await expect(badge).toHaveText('k8s');
  await expect((await selectNode(page, 'split')).getByTestId('node-backend')).toHaveValue('kubernetes');

  // Back to the default: no badge, and no field left in the document.
  await page.getByTestId('node-backend').selectOption('');
  await expect(badge).toHaveCount(0);
  await expect(page.getByTestId('save-state')).not.toHaveText('saved · v1');
  expect(backendOf((await exportedDocument(page)).nodes, 'split')).toBeUndefined();
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
