// Training curves in the step drawer: a trainer's loss curve draws itself live while the step runs,
// is whole once it ends and after a reload; the drawer's logs wrap inside it and its metrics put the
// headline scores first.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, REPO_ROOT, test } from '../fixtures.ts';
import {
  expectStatuses,
  importDocument,
  node,
  openDesigner,
  pageErrors,
  selectNode,
  startRun,
  waitForCanvasToSettle,
} from './support/designer.ts';
import { IRIS_EXAMPLE, IRIS_STEPS, type PipelineJson, waitFolder } from './support/documents.ts';

/** `e2etest-curve` gives `e2etest.training_curve`: a curve, a wait for a file, the rest of the curve. */
const PLUGINS_DIR = join(REPO_ROOT, 'e2e', 'fixtures', 'plugins');
const waiting = waitFolder('training-curve');
test.use({ loomEnv: { ...waiting.env, LOOM_PLUGINS_DIR: PLUGINS_DIR } });

/** Opens the step drawer of a node (select it, then "Logs & outputs"), on its Outputs tab. */
async function openDrawer(page: Page, nodeId: string): Promise<Locator> {
  const inspector = await selectNode(page, nodeId);
  await inspector.getByTestId('open-step').click();
  const drawer = page.getByTestId('step-drawer');
  await expect(drawer).toBeVisible();
  await drawer.getByTestId('drawer-tab-outputs').click();
  return drawer;
}

/** The number of points a curve of the drawer draws, as its `data-points` says. */
async function pointsOf(curve: Locator): Promise<number> {
  return Number(await curve.getAttribute('data-points'));
}

/** Whether an element's content fits its width (nothing runs off its right edge). */
function fitsWidth(element: Locator): Promise<boolean> {
  return element.evaluate((e) => e.scrollWidth <= e.clientWidth + 1);
}

test('a trainer’s loss curve grows live while the step runs, and stays whole once it ends', async ({ page }) => {
  const flag = waiting.flag('go');
  const document: PipelineJson = {
    format: 'loom.pipeline',
    formatVersion: 2,
    name: 'training-curve',
    nodes: [
      {
        id: 'train',
        type: 'e2etest.training_curve',
        version: '1.0.0',
        params: { go_file: flag, before: 40, after: 25 },
        ui: { position: { x: 120, y: 120 } },
      },
    ],
    edges: [],
  };
  try {
    await openDesigner(page);
    await importDocument(page, { name: 'training-curve.loom.json', text: JSON.stringify(document) }, 1);
    await waitForCanvasToSettle(page);
    await startRun(page);
    await expect(node(page, 'train')).toHaveAttribute('data-status', 'running');

    // Mid-run (the step waits for the file): the 40 points reported so far, drawn as a curve, live.
    const drawer = await openDrawer(page, 'train');
    const curves = drawer.getByTestId('training-curves');
    const loss = curves.getByTestId('curve-loss');
    const validation = curves.getByTestId('curve-validation_loss');
    await expect(loss).toHaveAttribute('data-points', '40');
    await expect(validation).toHaveAttribute('data-points', '20');
    await expect(loss.locator('.preview-card-title')).toHaveText('Training loss');
    await expect(validation.locator('.preview-card-title')).toHaveText('Validation loss');
    await expect(loss.locator('svg[role="img"]')).toHaveAttribute(
      'aria-label',
      /^Training loss: 40 points; Iteration from 1 to 40;/,
    );
    await expect(loss.locator('path.chart-line')).toHaveCount(1);
    await expect(curves.locator('.output-type')).toHaveText('live');
    await expect(drawer.locator('.status-badge')).toHaveText('running');

    // The log line with thirty JSON fields wraps inside the log box: neither it nor the drawer scrolls sideways.
    await drawer.getByTestId('drawer-tab-logs').click();
    const fields = drawer.locator('.log-fields');
    await expect(fields).toContainText('"feature_29_weight":0.033');
    expect(await fitsWidth(drawer.getByTestId('step-logs')), 'the log lines fit the log box').toBe(true);
    expect(await fitsWidth(drawer.locator('.drawer-body')), 'the drawer does not scroll sideways').toBe(true);
    const line = await drawer.locator('.log-line').first().boundingBox();
    const box = await drawer.locator('.drawer-body').boundingBox();
    expect(line?.height ?? 0, 'the long line wraps onto several lines').toBeGreaterThan(30);
    expect((line?.x ?? 0) + (line?.width ?? 0)).toBeLessThanOrEqual((box?.x ?? 0) + (box?.width ?? 0));

    // Let it finish: the curve grows to every point, and is no longer live.
    await drawer.getByTestId('drawer-tab-outputs').click();
    await writeFile(flag, 'go\n');
    await expect(node(page, 'train')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
    await expect(loss).toHaveAttribute('data-points', '65');
    await expect(validation).toHaveAttribute('data-points', '32');
    await expect(curves.locator('.output-type')).toHaveCount(0);

    // The scores it reported: headline ones first (RMSE, MAE, R²), not alphabetically; names whole on hover.
    const names = drawer.locator('.metric-list dt');
    await expect(names).toHaveText([
      'rmse',
      'mae',
      'r2',
      'latency_single_row_ms',
      'loss',
      'parity_max_abs_difference',
      'validation_loss',
    ]);
    for (const name of await names.all()) {
      await expect(name).toHaveAttribute('title', (await name.textContent()) ?? '');
      expect(await fitsWidth(name), `${await name.textContent()} fits its tile`).toBe(true);
    }

    // After a reload the curve comes back whole, from the run's stored events.
    await page.reload();
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
    await waitForCanvasToSettle(page);
    const reloaded = await openDrawer(page, 'train');
    await expect(reloaded.getByTestId('curve-loss')).toHaveAttribute('data-points', '65');
    await expect(reloaded.getByTestId('curve-validation_loss')).toHaveAttribute('data-points', '32');
    expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
  } finally {
    await rm(flag, { force: true });
  }
});

test('logistic regression on iris: its per-iteration loss curve, and the validation’s headline scores first', async ({
  page,
  loom,
}) => {
  await openDesigner(page);
  await importDocument(page, IRIS_EXAMPLE, IRIS_STEPS.length);
  await waitForCanvasToSettle(page);
  const runId = await startRun(page);
  await expectStatuses(page, IRIS_STEPS, 'succeeded');

  // Every iteration's loss, as the server stored them.
  const stored = await loom.api<{ points: Array<{ name: string }> }>(
    `/api/runs/${runId}/steps/train/metric-points?latest=true`,
  );
  const iterations = stored.points.filter((point) => point.name === 'loss').length;
  expect(iterations, 'the trainer reports its loss at many iterations').toBeGreaterThan(10);

  const drawer = await openDrawer(page, 'train');
  const loss = drawer.getByTestId('curve-loss');
  await expect(loss).toHaveAttribute('data-points', String(iterations));
  expect(await pointsOf(loss)).toBeGreaterThan(10);
  await expect(loss.locator('path.chart-line')).toHaveCount(1);

  // The validation's scores: accuracy, F1, AUC, precision and recall before the rest. (The drawer is
  // closed first: open, it leaves the validate node under the minimap.)
  await drawer.getByRole('button', { name: 'Close step details' }).click();
  await expect(drawer).toBeHidden();
  const validate = await openDrawer(page, 'validate');
  const scores = validate.getByTestId('output-metrics').locator('.metric-list dt');
  await expect(scores.first()).toBeVisible();
  expect((await scores.allTextContents()).slice(0, 5)).toEqual([
    'accuracy',
    'f1_macro',
    'roc_auc',
    'precision_macro',
    'recall_macro',
  ]);
  for (const name of await scores.all()) {
    expect(await fitsWidth(name), `${await name.textContent()} fits its tile`).toBe(true);
  }
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
