// Every bundled example opens from the designer and runs as it is, on a server started the way a new
// user starts it (`pnpm loom start` in the repository, no LOOM_DATA_ROOTS). A pipeline file imported
// as it lies in git, whose data paths are relative to its own folder, shows the missing file before
// any run, with the file it means one click away.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES, expect, test } from '../fixtures.ts';
import { canvasNodes, importDocument, openDesigner, pageErrors, runCommand, startRun } from './support/designer.ts';

test.use({ loomSetup: 'plain' });

/** The examples in the repository: each folder with a pipeline. */
const EXAMPLE_NAMES = readdirSync(EXAMPLES).filter((name) => existsSync(join(EXAMPLES, name, 'pipeline.loom.json')));

function nodeCount(name: string): number {
  return (JSON.parse(readFileSync(join(EXAMPLES, name, 'pipeline.loom.json'), 'utf8')) as { nodes: unknown[] }).nodes
    .length;
}

test('the server offers every example in the repository', async ({ loom }) => {
  const { examples } = await loom.api<{ examples: Array<{ name: string; title: string; nodes: number }> }>(
    '/api/examples',
  );
  expect(examples.map((example) => example.name)).toEqual([...EXAMPLE_NAMES].sort());
  for (const example of examples) expect(example.nodes).toBe(nodeCount(example.name));
});

for (const name of EXAMPLE_NAMES) {
  test(`the ${name} example opens from the designer and runs as it is`, async ({ page }) => {
    test.setTimeout(120_000);
    await openDesigner(page);
    await page.getByTestId('open-example').click();
    await page.getByTestId('examples-dialog').getByTestId(`example-${name}`).click();
    await expect(canvasNodes(page)).toHaveCount(nodeCount(name));
    await expect(page.getByTestId('problems-count')).toHaveText('✓ No problems');
    await startRun(page);
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 90_000 });
    expect(pageErrors(page)).toEqual([]);
  });
}

test('an imported pipeline whose file is not where the server looks shows it before running, and the fix is one click', async ({
  page,
}) => {
  await openDesigner(page);
  await importDocument(page, join(EXAMPLES, 'diabetes-regression', 'pipeline.loom.json'), 9);
  const problem = page.getByTestId('problem-item').filter({ hasText: 'names no file' });
  await expect(problem).toContainText('path "diabetes.csv" of node "diabetes" names no file');
  await expect(problem).toContainText('did you mean "examples/diabetes-regression/diabetes.csv"?');
  await expect(page.getByTestId('node-diabetes')).toHaveClass(/has-problems/);

  await page.getByTestId('problem-fix').filter({ hasText: 'examples/diabetes-regression/diabetes.csv' }).click();
  await expect(page.getByTestId('problems-count')).toHaveText('✓ No problems');
  await page.getByTestId('node-diabetes').click();
  await expect(page.getByTestId('param-path')).toHaveValue('examples/diabetes-regression/diabetes.csv');

  // The help says what a relative path means on a server.
  await expect(page.getByTestId('inspector')).toContainText('first data folder under `loom start`');
  expect(pageErrors(page)).toEqual([]);
});

test('File → Open example… lists the examples with their descriptions', async ({ page }) => {
  await openDesigner(page);
  await runCommand(page, 'file', 'file.examples');
  const dialog = page.getByTestId('examples-dialog');
  await expect(dialog.getByTestId('example-iris-classification')).toContainText('Iris classification');
  await expect(dialog.getByTestId('example-iris-classification')).toContainText("Fisher's iris");
});
