// A failed step shows its error and logs; after fixing its parameter in the inspector, Resume re-runs
// only what failed, keeping the steps that had succeeded.
import { expect, test } from '../fixtures.ts';
import {
  expectCanvasMatchesServer,
  expectStatuses,
  getRun,
  importDocument,
  node,
  openDesigner,
  pageErrors,
  runIdFromUrl,
  selectNode,
  startRun,
} from './support/designer.ts';
import { IRIS_EXAMPLE, IRIS_STEPS } from './support/documents.ts';

/** The steps that succeed whatever the validation does (the deploy after it is skipped when it fails). */
const UPSTREAM = IRIS_STEPS.filter((id) => id !== 'validate' && id !== 'deploy');

test('a failed validation shows its error and logs; fixed in the inspector, Resume finishes the run', async ({
  page,
  loom,
}) => {
  await openDesigner(page);
  await importDocument(page, IRIS_EXAMPLE, IRIS_STEPS.length);

  // Make the validation impossible: an accuracy above 1 (the parameter has no upper bound).
  const inspector = await selectNode(page, 'validate');
  await inspector.getByTestId('unbind-min_accuracy').click();
  await inspector.getByTestId('param-min_accuracy').fill('1.01');
  await expect(inspector.getByTestId('param-error-min_accuracy')).toHaveCount(0);
  await expect(page.getByTestId('problems-count')).toHaveText('✓ No problems');

  const runId = await startRun(page);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(node(page, 'validate')).toHaveAttribute('data-status', 'failed');
  await expectStatuses(page, UPSTREAM, 'succeeded');
  await expect(page.getByTestId('status-validate')).toBeVisible();
  await expect(node(page, 'validate')).toContainText('quality gate failed');
  await expect(page.getByTestId('resume-button')).toBeVisible();
  // The status bar says what failed, never "8/8" for a failed run.
  await expect(page.getByTestId('run-counts')).toHaveText(/^\d+ done, 1 failed/);

  // The step drawer: the failure, and the step's log lines (the drawer opens on the logs of a failed step).
  await (await selectNode(page, 'validate')).getByTestId('open-step').click();
  const drawer = page.getByTestId('step-drawer');
  await expect(drawer).toBeVisible();
  await expect(drawer.getByTestId('step-failure')).toContainText('quality gate failed: accuracy');
  await expect(drawer.getByTestId('step-failure')).toContainText('min_accuracy 1.01');
  await expect
    .soft(drawer.getByTestId('drawer-tab-logs'), 'the drawer of a failed step opens on its logs')
    .toHaveAttribute('aria-selected', 'true', { timeout: 2_000 });
  await drawer.getByTestId('drawer-tab-logs').click();
  await expect(drawer.getByTestId('drawer-tab-logs')).toHaveAttribute('aria-selected', 'true');
  const logs = drawer.getByTestId('step-logs');
  await expect(logs.locator('li').first()).toBeVisible();
  await expect(logs).toContainText('accuracy');

  const failed = await getRun(loom, runId);
  expect(failed.status).toBe('failed');
  expect(failed.resumeCount).toBe(0);
  const before = new Map(failed.steps.map((step) => [step.id, step]));

  // Record every status the nodes show from here on: the steps that succeeded must never leave it.
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    (window as unknown as { __statuses: typeof seen }).__statuses = seen;
    const note = (element: Element) => {
      const id = (element.getAttribute('data-testid') ?? '').replace(/^node-/, '');
      const status = element.getAttribute('data-status') ?? '';
      const list = seen[id] ?? [];
      seen[id] = list;
      if (list.at(-1) !== status) list.push(status);
    };
    for (const element of document.querySelectorAll('.pipeline-node')) note(element);
    new MutationObserver((records) => {
      for (const record of records) if (record.target instanceof Element) note(record.target);
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
  });

  // Fix it in the inspector: an attainable bound.
  const fixing = await selectNode(page, 'validate');
  await fixing.getByTestId('param-min_accuracy').fill('0.8');
  await expect(page.getByTestId('save-state')).toHaveText('unsaved changes');
  await page.getByTestId('resume-button').click();

  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
  await expect(node(page, 'validate')).toHaveAttribute('data-status', 'succeeded');
  await expectStatuses(page, UPSTREAM, 'succeeded');
  await expect(node(page, 'deploy')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('run-counts')).toHaveText('8/8');
  // Resume saved the fix first (version 2) and kept showing the same run.
  await expect(page.getByTestId('save-state')).toHaveText('saved · v2');
  expect(runIdFromUrl(page)).toBe(runId);

  const seen = await page.evaluate(() => (window as unknown as { __statuses: Record<string, string[]> }).__statuses);
  for (const id of UPSTREAM) expect(seen[id], `${id} kept its result through the resume`).toEqual(['succeeded']);
  expect(seen.validate?.at(-1)).toBe('succeeded');

  // The server agrees: one resume, the same run, the earlier steps not run again.
  const resumed = await getRun(loom, runId);
  expect(resumed.status).toBe('succeeded');
  expect(resumed.resumeCount).toBe(1);
  for (const id of UPSTREAM) {
    const step = resumed.steps.find((candidate) => candidate.id === id);
    const earlier = before.get(id);
    expect(step?.status, id).toBe('succeeded');
    expect(step?.attempts, `${id} ran once`).toBe(earlier?.attempts);
    expect(step?.finishedAt, `${id} was not run again`).toBe(earlier?.finishedAt);
    expect(step?.outputs, `${id} kept its outputs`).toEqual(earlier?.outputs);
  }
  expect(resumed.steps.find((step) => step.id === 'validate')?.status).toBe('succeeded');
  await expectCanvasMatchesServer(page, loom, runId);

  // The drawer follows the step: no failure any more, and its metrics.
  await (await selectNode(page, 'validate')).getByTestId('open-step').click();
  await expect(drawer.getByTestId('step-failure')).toHaveCount(0);
  await drawer.getByTestId('drawer-tab-outputs').click();
  await expect(drawer.getByTestId('metric-accuracy')).toBeVisible();
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
