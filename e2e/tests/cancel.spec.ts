// Cancelling a run from the designer: the step that is running stops, the run ends as cancelled, and
// the canvas and the server agree.
import { expect, test } from '../fixtures.ts';
import {
  expectCanvasMatchesServer,
  expectStatuses,
  importDocument,
  node,
  openDesigner,
  pageErrors,
  startRun,
} from './support/designer.ts';
import { IRIS_STEPS, irisWaitingFor, waitFolder } from './support/documents.ts';

const waiting = waitFolder('cancel');
test.use({ loomEnv: waiting.env });

test('Cancel stops the running step and ends the run as cancelled', async ({ page, loom }) => {
  // Waits for a file nobody writes: the run stays running until it is cancelled.
  const document = await irisWaitingFor(waiting.flag('never'), { id: 'wait', position: { x: 1300, y: 320 } });
  document.name = 'iris-cancelled';
  await openDesigner(page);
  await importDocument(page, { name: 'iris-cancelled.loom.json', text: JSON.stringify(document) }, 9);
  const runId = await startRun(page);
  await expectStatuses(page, IRIS_STEPS, 'succeeded');
  await expect(node(page, 'wait')).toHaveAttribute('data-status', 'running');

  await page.getByTestId('cancel-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'cancelled');
  await expect(node(page, 'wait')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('resume-button')).toBeVisible();
  await expectCanvasMatchesServer(page, loom, runId);
  expect(pageErrors(page)).toEqual([]);
});
