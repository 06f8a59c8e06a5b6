// Cancelling a run from the designer: the step that is running stops, the run ends as cancelled, and
// the canvas and the server agree.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DATA_ROOTS, expect, test } from '../fixtures.ts';
import {
  expectCanvasMatchesServer,
  expectStatuses,
  importDocument,
  node,
  openDesigner,
  pageErrors,
  startRun,
} from './support/designer.ts';
import { IRIS_EXAMPLE, IRIS_STEPS } from './support/documents.ts';

const WAIT_DIR = join(tmpdir(), 'loom-e2e-cancel');
mkdirSync(WAIT_DIR, { recursive: true });
test.use({ loomEnv: { LOOM_DATA_ROOTS: [...DATA_ROOTS, WAIT_DIR].join(delimiter) } });

test('Cancel stops the running step and ends the run as cancelled', async ({ page, loom }) => {
  const document = JSON.parse(await readFile(IRIS_EXAMPLE, 'utf8')) as { name: string; nodes: unknown[] };
  document.name = 'iris-cancelled';
  // Waits for a file nobody writes: the run stays running until it is cancelled.
  document.nodes.push({
    id: 'wait',
    type: 'core.wait_for_file',
    version: '1.0.0',
    params: { path: join(WAIT_DIR, `never-${randomUUID()}.flag`), poll_interval_ms: 100 },
    ui: { position: { x: 1300, y: 320 } },
  });
  await openDesigner(page);
  await importDocument(page, { name: 'iris-cancelled.loom.json', text: JSON.stringify(document) }, 8);
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
