// `loom run` and `loom start` share one store: a run from the command line, on the server's home, is
// in the designer's run history (marked CLI) and opens on the canvas like any other.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, REPO_ROOT, test } from '../fixtures.ts';
import { LOOM_BIN } from '../paths.ts';
import { canvasNodes, expectStatuses, openDesigner, pageErrors, runCommand } from './support/designer.ts';
import { IRIS_EXAMPLE, IRIS_STEPS } from './support/documents.ts';

const execFileAsync = promisify(execFile);

test('a loom run on the server’s home shows in the run history, marked CLI, and opens on the canvas', async ({
  page,
  loom,
}) => {
  const { LOOM_HOME: _home, FORCE_COLOR: _color, ...env } = process.env;
  await execFileAsync(process.execPath, [LOOM_BIN, 'run', IRIS_EXAMPLE, '--home', loom.home], {
    cwd: REPO_ROOT,
    env: { ...env, NO_COLOR: '1' },
  });

  await openDesigner(page);
  await runCommand(page, 'run', 'run.history');
  const row = page.getByTestId('runs-dialog').getByTestId('run-row').first();
  await expect(row.getByTestId('run-source')).toHaveText('CLI');
  await expect(row).toContainText('iris-classification v1');
  await expect(row).toContainText('succeeded');
  await row.getByRole('button', { name: 'Open' }).click();
  await expect(canvasNodes(page)).toHaveCount(IRIS_STEPS.length);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  await expectStatuses(page, IRIS_STEPS, 'succeeded');
  expect(pageErrors(page)).toEqual([]);
});
