// The README's picture of the designer: the iris example exactly as it ships, opened from File → Open
// example… on a plain `pnpm loom start` and run; its trainer's loss curve is open in the step drawer.
// Written to e2e/.results/designer-run.png, and to docs/images/designer-run.png with LOOM_E2E_SCREENSHOT=1.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, REPO_ROOT, test } from '../fixtures.ts';
import { canvasNodes, expectStatuses, openDesigner, pageErrors, selectNode, startRun } from './support/designer.ts';
import { IRIS_STEPS } from './support/documents.ts';

test.use({ loomSetup: 'plain' });

test('the designer after a run of the iris example, for the README', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1600, height: 960 });
  await openDesigner(page);
  await page.getByTestId('open-example').click();
  await page.getByTestId('example-iris-classification').click();
  await expect(canvasNodes(page)).toHaveCount(IRIS_STEPS.length);
  await startRun(page);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await expectStatuses(page, IRIS_STEPS, 'succeeded');

  const inspector = await selectNode(page, 'train');
  await inspector.getByTestId('open-step').click();
  const drawer = page.getByTestId('step-drawer');
  await drawer.getByTestId('drawer-tab-outputs').click();
  await expect(drawer.getByTestId('curve-loss')).toBeVisible();
  // No toast in the picture: wait for the last one to go.
  await expect(page.locator('[data-testid^="toast-"]')).toHaveCount(0, { timeout: 10_000 });
  await page.getByTestId('inspector').evaluate((panel) => panel.scrollTo(0, 0));

  const screenshot = await page.screenshot();
  await testInfo.attach('designer-run.png', { body: screenshot, contentType: 'image/png' });
  await mkdir(join(REPO_ROOT, 'e2e', '.results'), { recursive: true });
  await writeFile(join(REPO_ROOT, 'e2e', '.results', 'designer-run.png'), screenshot);
  if (process.env.LOOM_E2E_SCREENSHOT === '1') {
    await mkdir(join(REPO_ROOT, 'docs', 'images'), { recursive: true });
    await writeFile(join(REPO_ROOT, 'docs', 'images', 'designer-run.png'), screenshot);
  }
  expect(pageErrors(page)).toEqual([]);
});
