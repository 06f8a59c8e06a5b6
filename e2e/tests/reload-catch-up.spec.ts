// Reloading the page in the middle of a run: the address brings back the pipeline and the run, the
// canvas shows where the run is, follows it to the end, and agrees with the server.
import { rm, writeFile } from 'node:fs/promises';
import { expect, test } from '../fixtures.ts';
import {
  canvasEdges,
  canvasNodes,
  expectCanvasMatchesServer,
  expectStatuses,
  getRun,
  importDocument,
  node,
  openDesigner,
  pageErrors,
  startRun,
} from './support/designer.ts';
import { IRIS_STEPS, irisWaitingFor, waitFolder } from './support/documents.ts';

/**
 * The run waits, in a `core.wait_for_file` step, for a file that the test writes once it has reloaded:
 * so the reload happens mid-run for certain, without timing. The folder is one more data root.
 */
const waiting = waitFolder('reload-catch-up');
test.use({ loomEnv: waiting.env });

test('a reload mid-run restores the pipeline and the run from the address and catches up', async ({ page, loom }) => {
  const flag = waiting.flag('ready');
  const document = await irisWaitingFor(flag, {
    id: 'wait',
    position: { x: 1300, y: 320 },
    label: 'Wait for the go-ahead',
  });
  document.name = 'iris-waiting';

  try {
    await openDesigner(page);
    await importDocument(page, { name: 'iris-waiting.loom.json', text: JSON.stringify(document) }, 9);
    const runId = await startRun(page);
    const address = page.url();

    // The iris steps finish; the run goes on, waiting for the file.
    await expectStatuses(page, IRIS_STEPS, 'succeeded');
    await expect(node(page, 'wait')).toHaveAttribute('data-status', 'running');
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running');

    await page.reload();
    await expect(page).toHaveURL(address);
    // The pipeline comes back from the address: its name, nodes and edges, saved as version 1.
    await expect(page.getByTestId('document-title')).toContainText('iris-waiting');
    await expect(page.getByTestId('save-state')).toHaveText('saved · v1');
    await expect(canvasNodes(page)).toHaveCount(9);
    await expect(canvasEdges(page)).toHaveCount(10);
    // And the run, where it is: finished steps finished, the waiting one still running.
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running');
    await expectStatuses(page, IRIS_STEPS, 'succeeded');
    await expect(node(page, 'wait')).toHaveAttribute('data-status', 'running');
    await expect(page.getByTestId('run-counts')).toHaveText('8/9');
    await expect(page.getByTestId('cancel-button')).toBeVisible();
    await expectCanvasMatchesServer(page, loom, runId);

    // Let the run finish: the reloaded page follows it live.
    await writeFile(flag, 'go\n');
    await expect(node(page, 'wait')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
    await expect(page.getByTestId('run-counts')).toHaveText('9/9');
    await expect(page.getByTestId('stream-reconnecting')).toHaveCount(0);
    await expectCanvasMatchesServer(page, loom, runId);
    expect((await getRun(loom, runId)).status).toBe('succeeded');

    // A reload after the end shows the finished run the same way.
    await page.reload();
    await expect(page).toHaveURL(address);
    await expect(canvasNodes(page)).toHaveCount(9);
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
    await expectStatuses(page, [...IRIS_STEPS, 'wait'], 'succeeded');
    await expectCanvasMatchesServer(page, loom, runId);
    expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
  } finally {
    await rm(flag, { force: true });
  }
});
