// Deploying from the designer, as a user does it: the iris example opened from File → Open example…
// and run deploys model `iris` to `production`; the deploy step's output gives the endpoint's address and
// opens Models and endpoints on it, which shows v1 serving, and "Try it"
// gets an answer from the model server embedded in `loom start`. A changed training parameter and a
// second run register and serve v2; Roll back puts v1 back, and the history says so. Nothing is mocked.
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../fixtures.ts';
import {
  canvasNodes,
  clickEmptyCanvas,
  node,
  openDesigner,
  pageErrors,
  rollBackConfirmed,
  runCommand,
  selectNode,
  startRun,
} from './support/designer.ts';
import { IRIS_STEPS } from './support/documents.ts';

const MODEL = 'iris';

async function runToSuccess(page: Page): Promise<string> {
  const runId = await startRun(page);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await expect(node(page, 'deploy')).toHaveAttribute('data-status', 'succeeded');
  return runId;
}

async function modelsDialog(page: Page): Promise<Locator> {
  const dialog = page.getByTestId('endpoints-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('model-title')).toHaveText(MODEL);
  return dialog;
}

/** Try it with the row it is prefilled with (iris.csv's first, a setosa); expects an answer from `version`. */
async function tryIt(dialog: Locator, version: number): Promise<void> {
  await dialog.getByTestId('model-tab-try').click();
  const form = dialog.getByTestId('try-it-form');
  await expect(form.getByTestId('try-it-input-sepal_length')).toHaveValue('5.1');
  await expect(form.getByTestId('try-it-input-petal_width')).toHaveValue('0.2');
  await form.getByTestId('try-it-send').click();
  const answer = dialog.getByTestId('try-it-answer');
  await expect(answer.getByTestId('try-it-version')).toHaveText(`v${version}`);
  await expect(answer.getByTestId('try-it-label')).toHaveText('setosa');
  await expect(answer.getByTestId('try-it-latency')).toHaveText(/^\d+(\.\d)? (ms|s)$/);
  await expect(answer.getByTestId('try-it-probability-setosa')).toHaveClass(/is-chosen/);
  await expect(answer.getByTestId('try-it-probability-versicolor')).toBeVisible();
  await expect(answer.getByTestId('try-it-probability-virginica')).toBeVisible();
}

test('the iris example deploys from the designer, serves v1 then v2 through Try it, and rolls back to v1', async ({
  page,
  loom,
}) => {
  test.setTimeout(180_000);
  await openDesigner(page);
  await runCommand(page, 'file', 'file.examples');
  await page.getByTestId('examples-dialog').getByTestId('example-iris-classification').click();
  await expect(canvasNodes(page)).toHaveCount(IRIS_STEPS.length);
  await expect(page.getByTestId('problems-count')).toHaveText('✓ No problems');

  await runToSuccess(page);
  // The deploy step's output says what it deployed and where, and leads to the endpoint.
  const deployStep = await selectNode(page, 'deploy');
  await deployStep.getByTestId('open-step').click();
  const deployed = page.getByTestId('step-drawer').getByTestId('output-endpoint').getByTestId('endpoint-preview');
  await expect(deployed.getByTestId('endpoint-model')).toHaveText(MODEL);
  await expect(deployed.getByTestId('endpoint-version')).toHaveText('v1');
  await expect(deployed.getByTestId('endpoint-alias')).toHaveText('production');
  await expect(deployed.getByTestId('endpoint-address')).toHaveText(
    new RegExp(`^http://127\\.0\\.0\\.1:\\d+/v2/models/${MODEL}/infer$`),
  );
  await deployed.getByTestId('endpoint-open').click();
  let dialog = await modelsDialog(page);
  await expect(dialog.getByTestId(`model-item-${MODEL}`)).toContainText('1 version · latest v1');
  await expect(dialog.getByTestId(`model-item-${MODEL}`)).toContainText('serving v1 (production)');
  await expect(dialog.getByTestId('alias-production').getByTestId('alias-version')).toHaveText('v1');
  await expect(dialog.getByTestId('endpoint-summary')).toContainText(`POST /v2/models/${MODEL}/infer`);
  await expect(dialog.getByTestId('traffic-split').getByTestId('traffic-v1')).toHaveText('v1 · 100%');
  await tryIt(dialog, 1);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await clickEmptyCanvas(page);

  // A weaker L2 penalty trains other coefficients: another ONNX file, so another version.
  const inspector = await selectNode(page, 'train');
  await inspector.getByTestId('unbind-regularization').click();
  await inspector.getByTestId('param-regularization').fill('0.1');
  await expect(inspector.getByTestId('param-error-regularization')).toHaveCount(0);
  await runToSuccess(page);

  await clickEmptyCanvas(page);
  await page.keyboard.press('Shift+M');
  dialog = await modelsDialog(page);
  await expect(dialog.getByTestId(`model-item-${MODEL}`)).toContainText('2 versions · latest v2');
  await expect(dialog.getByTestId('alias-production').getByTestId('alias-version')).toHaveText('v2');
  await expect(dialog.getByTestId('version-row-2').getByTestId('version-aliases')).toHaveText('production');
  await expect(dialog.getByTestId('version-row-2').getByTestId('version-traffic')).toHaveText('100%');
  await tryIt(dialog, 2);

  await dialog.getByTestId('model-tab-versions').click();
  await rollBackConfirmed(page, dialog, { model: MODEL, alias: 'production', from: 2, to: 1 });
  await expect(dialog.getByTestId('alias-production').getByTestId('alias-version')).toHaveText('v1');
  await expect(dialog.getByTestId('traffic-split').getByTestId('traffic-v1')).toHaveText('v1 · 100%');
  await tryIt(dialog, 1);

  await dialog.getByTestId('model-tab-history').click();
  const events = dialog.getByTestId('model-event');
  await expect(events.nth(0)).toContainText('production rolled back from v2 to v1');
  await expect(events.nth(1)).toContainText('production moved from v1 to v2');
  await expect(dialog.getByTestId('model-events')).toContainText('v2 registered');
  await expect(dialog.getByTestId('model-events')).toContainText('v1 registered');

  // What the dialog showed is what the registry holds.
  const endpoint = await loom.api<{ alias: string; routes: unknown[] }>(`/api/endpoints/${MODEL}`);
  expect(endpoint).toMatchObject({ alias: 'production', routes: [{ version: 1, percent: 100 }] });
  expect(pageErrors(page)).toEqual([]);
});
