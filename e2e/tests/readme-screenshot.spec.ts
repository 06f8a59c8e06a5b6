// The README's picture of the designer during a run: the iris example with one more step that waits
// for a file, so the picture is taken mid-run for certain. The iris steps have succeeded, the waiting
// step is running, and the validation's outputs (scores, confusion matrix) are open in the drawer.
// Written to e2e/.results/designer-run.png, and to docs/images/designer-run.png with LOOM_E2E_SCREENSHOT=1.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, REPO_ROOT, test } from '../fixtures.ts';
import {
  expectStatuses,
  importDocument,
  node,
  openDesigner,
  pageErrors,
  selectNode,
  startRun,
} from './support/designer.ts';
import { IRIS_STEPS, irisWaitingFor, waitFolder } from './support/documents.ts';

const waiting = waitFolder('readme-screenshot');
test.use({ loomEnv: waiting.env });

test('the designer during a run, for the README', async ({ page }, testInfo) => {
  const flag = waiting.flag('go');
  const document = await irisWaitingFor(flag, {
    id: 'approval',
    position: { x: 1040, y: 160 },
    label: 'Wait for sign-off',
  });
  document.notes = [
    {
      id: 'about',
      text: 'Stratified 80/20 split; the model is validated as ONNX on the held-out rows.',
      position: { x: 260, y: 130 },
    },
  ];

  try {
    await page.setViewportSize({ width: 1600, height: 960 });
    await openDesigner(page);
    await importDocument(page, { name: 'iris-classification.loom.json', text: JSON.stringify(document) }, 8);
    await startRun(page);
    await expectStatuses(page, IRIS_STEPS, 'succeeded');
    await expect(node(page, 'approval')).toHaveAttribute('data-status', 'running');

    await selectNode(page, 'validate');
    await page.getByTestId('open-step').click();
    await expect(page.getByTestId('step-drawer').getByTestId('metric-accuracy').first()).toBeVisible();
    await page
      .getByTestId('toast-success')
      .first()
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(() => undefined);
    await page.getByRole('button', { name: /Port types/ }).click();
    await page.getByRole('button', { name: 'Fit view' }).click();
    await page.getByTestId('inspector').evaluate((panel) => panel.scrollTo(0, 0));
    await page.locator('[data-testid^="heatmap-"]').first().scrollIntoViewIfNeeded();

    const screenshot = await page.screenshot();
    await testInfo.attach('designer-run.png', { body: screenshot, contentType: 'image/png' });
    await mkdir(join(REPO_ROOT, 'e2e', '.results'), { recursive: true });
    await writeFile(join(REPO_ROOT, 'e2e', '.results', 'designer-run.png'), screenshot);
    if (process.env.LOOM_E2E_SCREENSHOT === '1') {
      await mkdir(join(REPO_ROOT, 'docs', 'images'), { recursive: true });
      await writeFile(join(REPO_ROOT, 'docs', 'images', 'designer-run.png'), screenshot);
    }

    await writeFile(flag, 'go');
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 20_000 });
    expect(pageErrors(page)).toEqual([]);
  } finally {
    await rm(flag, { force: true });
  }
});
