// The designer's main story: build the iris pipeline from an empty canvas with the mouse, run it, and
// read the validation's accuracy and confusion matrix in the step drawer.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, REPO_ROOT, test } from '../fixtures.ts';
import {
  canvasEdges,
  canvasNodes,
  clickEmptyCanvas,
  connect,
  dragFromPalette,
  expectStatuses,
  getRun,
  node,
  openDesigner,
  pageErrors,
  pane,
  runCommand,
  selectNode,
  setParam,
  startRun,
  waitForCanvasToSettle,
} from './support/designer.ts';

/** Whether a node's box on screen contains a point given relative to the canvas' top-left corner. */
async function containsPanePoint(page: Page, id: string, at: { x: number; y: number }): Promise<boolean> {
  const canvas = await pane(page).boundingBox();
  const box = await node(page, id).boundingBox();
  if (canvas === null || box === null) return false;
  const x = canvas.x + at.x;
  const y = canvas.y + at.y;
  return x >= box.x && x <= box.x + box.width && y >= box.y && y <= box.y + box.height;
}

/** Pairs of nodes whose boxes overlap on screen. */
async function overlappingNodes(page: Page): Promise<string[]> {
  const boxes = await canvasNodes(page).evaluateAll((elements) =>
    elements.map((element) => {
      const rect = element.getBoundingClientRect();
      return { id: element.getAttribute('data-testid'), rect };
    }),
  );
  const pairs: string[] = [];
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const r = a.rect;
      const q = b.rect;
      if (r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom) pairs.push(`${a.id} × ${b.id}`);
    }
  }
  return pairs;
}

test('builds the iris pipeline from the palette, runs it and shows its accuracy', async ({ page, loom }, testInfo) => {
  await openDesigner(page);
  await expect(canvasNodes(page)).toHaveCount(0);
  await expect(page.locator('.canvas-empty')).toBeVisible();

  // Two rows across the canvas (872 px wide at 1440 × 900): data and training above, export and validation below.
  const drops: Array<[string, { x: number; y: number }]> = [
    ['data.csv', { x: 130, y: 110 }],
    ['transform.split', { x: 420, y: 110 }],
    ['train.logistic_regression', { x: 710, y: 110 }],
    ['export.onnx', { x: 420, y: 360 }],
    ['validate.model', { x: 710, y: 360 }],
  ];
  const ids: string[] = [];
  for (const [type, at] of drops) {
    const id = await dragFromPalette(page, type, at);
    ids.push(id);
    // A dropped node lands under the pointer, at the zoom the canvas had when it was dropped.
    expect
      .soft(await containsPanePoint(page, id, at), `${type} lands where it was dropped (${at.x}, ${at.y})`)
      .toBe(true);
  }
  expect(ids).toEqual(['csv', 'split', 'logistic_regression', 'export', 'validate']);
  await expect(page.locator('.canvas-empty')).toBeHidden();
  expect.soft(await overlappingNodes(page), 'nodes dropped at distinct places do not overlap').toEqual([]);

  // Tidy up, so the wiring below does not depend on where the drops ended up. The layout runs in a
  // worker: wait until the nodes have moved, then until the view has stopped moving.
  const dropped = await nodeBoxes(page);
  await runCommand(page, 'edit', 'edit.auto-layout');
  await expect.poll(() => nodeBoxes(page), { message: 'auto-layout moves the nodes' }).not.toEqual(dropped);
  await waitForCanvasToSettle(page);
  await expect.poll(() => overlappingNodes(page), { message: 'auto-layout separates the nodes' }).toEqual([]);

  await connect(page, ['csv', 'table'], ['split', 'table']);
  await connect(page, ['split', 'train'], ['logistic_regression', 'table']);
  await connect(page, ['logistic_regression', 'model'], ['export', 'model']);
  await connect(page, ['export', 'onnx'], ['validate', 'onnx']);
  await connect(page, ['split', 'test'], ['validate', 'table']);
  await expect(canvasEdges(page)).toHaveCount(5);

  // The CSV path and the trainer's label are required: the problems list says so until they are set.
  await expect(page.getByTestId('problems-count')).toHaveText('2 problems');
  await expect(page.getByTestId('problem-csv')).toContainText('"path" is required');
  await expect(page.getByTestId('problem-logistic_regression')).toContainText('"label" is required');

  await setParam(page, 'csv', 'path', 'iris.csv');
  await setParam(page, 'split', 'stratify_by', 'species');
  await setParam(page, 'logistic_regression', 'label', 'species');
  await setParam(page, 'validate', 'label', 'species');
  await expect(page.getByTestId('problems-count')).toHaveText('✓ No problems');
  await expect(page.locator('.pipeline-node .node-problem')).toHaveCount(0);

  // Name it, and tidy up again now that the edges say which way the data flows (left to right).
  await clickEmptyCanvas(page);
  await page.getByTestId('pipeline-name').fill('iris-from-the-palette');
  await runCommand(page, 'edit', 'edit.auto-layout');
  await waitForCanvasToSettle(page);

  const runId = await startRun(page);
  const allNodes = ids;

  // The canvas while the run is going (or just after), statuses on every node, kept with the results.
  await expect(page.locator('.pipeline-node:not([data-status="none"])').first()).toBeVisible();
  await page
    .locator('.pipeline-node[data-status="running"], [data-testid="run-status"][data-status="succeeded"]')
    .first()
    .waitFor();
  const screenshot = await page.screenshot();
  await testInfo.attach('designer-run.png', { body: screenshot, contentType: 'image/png' });
  await mkdir(join(REPO_ROOT, 'e2e', '.results'), { recursive: true });
  await writeFile(join(REPO_ROOT, 'e2e', '.results', 'designer-run.png'), screenshot);

  await expectStatuses(page, allNodes, 'succeeded');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('run-counts')).toHaveText('5/5');

  // What the canvas shows is what the server recorded.
  const stored = await getRun(loom, runId);
  expect(stored.status).toBe('succeeded');
  expect(Object.fromEntries(stored.steps.map((step) => [step.id, step.status]))).toEqual(
    Object.fromEntries(allNodes.map((id) => [id, 'succeeded'])),
  );

  // The validation's metrics in the step drawer: accuracy ≥ 0.9 and the confusion matrix as a heatmap.
  const inspector = await selectNode(page, 'validate');
  await inspector.getByTestId('open-step').click();
  const drawer = page.getByTestId('step-drawer');
  await expect(drawer).toBeVisible();
  await expect(drawer.getByTestId('drawer-tab-outputs')).toHaveAttribute('aria-selected', 'true');
  const metrics = drawer.getByTestId('output-metrics');
  const accuracy = metrics.getByTestId('metric-accuracy');
  await expect(accuracy).toBeVisible();
  const exact = Number(await accuracy.getAttribute('title'));
  const shown = Number((await accuracy.textContent())?.replace(/[^0-9.]/g, ''));
  expect(exact).toBeGreaterThanOrEqual(0.9);
  expect(exact).toBeLessThanOrEqual(1);
  expect(shown).toBeCloseTo(exact, 2);
  const heatmap = metrics.getByTestId('heatmap-confusion_matrix');
  await expect(heatmap).toBeVisible();
  await expect(heatmap.locator('th.heatmap-label.is-column')).toHaveText(['setosa', 'versicolor', 'virginica']);
  await expect(heatmap.locator('td.heatmap-cell')).toHaveCount(9);
  // The numbers the step reported are the metrics output's: shown once, there.
  await expect(drawer.getByTestId('step-metric-accuracy')).toHaveCount(0);
  await expect(node(page, 'validate')).toHaveAttribute('data-status', 'succeeded');
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

/** Where every node is on screen, as text: changes whenever a node or the view moves. */
function nodeBoxes(page: Page): Promise<string> {
  return page.locator('.react-flow__node').evaluateAll((elements) =>
    elements
      .map((element) => {
        const rect = element.getBoundingClientRect();
        return `${Math.round(rect.x)},${Math.round(rect.y)}`;
      })
      .join(';'),
  );
}
