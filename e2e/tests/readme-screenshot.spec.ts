// The README's picture of the designer during a run: the iris example with one more step that waits
// for a file, so the picture is taken mid-run for certain. The iris steps have succeeded, the waiting
// step is running, and the validation's outputs (scores, confusion matrix) are open in the drawer.
// Written to e2e/.results/designer-run.png, and to docs/images/designer-run.png with LOOM_E2E_SCREENSHOT=1.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DATA_ROOTS, expect, REPO_ROOT, test } from '../fixtures.ts';
import {
  expectStatuses,
  importDocument,
  node,
  openDesigner,
  pageErrors,
  selectNode,
  startRun,
} from './support/designer.ts';
import { IRIS_EXAMPLE, IRIS_STEPS } from './support/documents.ts';

const WAIT_DIR = join(tmpdir(), 'loom-e2e-readme-screenshot');
mkdirSync(WAIT_DIR, { recursive: true });
test.use({ loomEnv: { LOOM_DATA_ROOTS: [...DATA_ROOTS, WAIT_DIR].join(delimiter) } });

test('the designer during a run, for the README', async ({ page }, testInfo) => {
  const flag = join(WAIT_DIR, `go-${randomUUID()}.flag`);
  const document = JSON.parse(await readFile(IRIS_EXAMPLE, 'utf8')) as {
    nodes: unknown[];
    notes?: unknown[];
  };
  document.nodes.push({
    id: 'approval',
    type: 'core.wait_for_file',
    version: '1.0.0',
    params: { path: flag, poll_interval_ms: 100 },
    ui: { position: { x: 1040, y: 160 }, label: 'Wait for sign-off' },
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
