// Re-running part of a pipeline from a node ("Run only this", "Run from here"), what the inspector says
// about whether a step will re-run, and the compiled plan the browser exports (the server's, exactly).
import { readFile } from 'node:fs/promises';
import { expect, test } from '../fixtures.ts';
import {
  expectCanvasMatchesServer,
  expectStatuses,
  getRun,
  importDocument,
  openDesigner,
  pageErrors,
  runCommand,
  runIdFromUrl,
  selectNode,
  setParam,
  startRun,
} from './support/designer.ts';
import { IRIS_EXAMPLE, IRIS_STEPS } from './support/documents.ts';

test('run only this, run from here, and why a step will re-run', async ({ page, loom }) => {
  await openDesigner(page);
  await importDocument(page, IRIS_EXAMPLE, IRIS_STEPS.length);
  const first = await startRun(page);
  await expectStatuses(page, IRIS_STEPS, 'succeeded');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');

  // Only the trainer runs again; the steps it reads from are answered by the cache.
  let inspector = await selectNode(page, 'train');
  await inspector.getByTestId('run-only-this').click();
  await expect.poll(() => runIdFromUrl(page)).not.toBe(first);
  const only = runIdFromUrl(page);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  const onlyRun = await getRun(loom, only);
  expect(Object.fromEntries(onlyRun.steps.map((step) => [step.id, step.status]))).toEqual({
    iris: 'cached',
    split: 'cached',
    normalize: 'cached',
    train: 'succeeded',
  });

  // From the ONNX export on, everything runs again; what lies upstream comes from the cache.
  inspector = await selectNode(page, 'onnx');
  await inspector.getByTestId('run-from-here').click();
  await expect.poll(() => runIdFromUrl(page)).not.toBe(only);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  const fromRun = await getRun(loom, runIdFromUrl(page));
  expect(Object.fromEntries(fromRun.steps.map((step) => [step.id, step.status]))).toEqual({
    iris: 'cached',
    split: 'cached',
    normalize: 'cached',
    train: 'cached',
    onnx: 'succeeded',
    validate: 'succeeded',
    importance: 'succeeded',
    deploy: 'succeeded',
  });

  // Against the shown run: an unchanged step will reuse its result; a changed parameter re-runs the
  // step and everything downstream of it, each saying why.
  inspector = await selectNode(page, 'normalize');
  await expect(inspector.getByTestId('cache-verdict')).toHaveAttribute('data-verdict', 'reuse');
  await setParam(page, 'split', 'fraction', '0.25');
  inspector = await selectNode(page, 'split');
  await expect(inspector.getByTestId('cache-verdict')).toHaveAttribute('data-verdict', 'rerun');
  await expect(inspector.getByTestId('cache-verdict')).toContainText('Its parameters changed: fraction.');
  inspector = await selectNode(page, 'normalize');
  await expect(inspector.getByTestId('cache-verdict')).toContainText('Upstream step split changed.');

  // The history lists the three runs; opening the first shows its states on the canvas again.
  await runCommand(page, 'run', 'run.history');
  const history = page.getByTestId('runs-dialog');
  await expect(history.getByTestId('run-row')).toHaveCount(3);
  await history.getByTestId(`open-run-${first}`).click();
  await expect.poll(() => runIdFromUrl(page)).toBe(first);
  await expectCanvasMatchesServer(page, loom, first);
  expect(pageErrors(page)).toEqual([]);
});

test('the exported plan is the one the server compiles from the same document', async ({ page, loom }) => {
  await openDesigner(page);
  await importDocument(page, IRIS_EXAMPLE, IRIS_STEPS.length);
  const downloading = page.waitForEvent('download');
  await runCommand(page, 'file', 'file.export-plan');
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('iris-classification.plan.json');
  const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as unknown;

  const document = JSON.parse(await readFile(IRIS_EXAMPLE, 'utf8')) as unknown;
  const compiled = await loom.api<{ ok: boolean; plan: unknown }>('/api/compile', {
    method: 'POST',
    json: { document },
  });
  expect(compiled.ok).toBe(true);
  expect(exported).toEqual(compiled.plan);
});
