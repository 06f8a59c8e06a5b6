// A plugin from the plugins folder (LOOM_PLUGINS_DIR): its node is in the palette with the plugin's
// name, runs like a built-in one, and a document pinning its older version is upgraded through the
// plugin's parameter migration, undoably.
import { join } from 'node:path';
import { expect, REPO_ROOT, test } from '../fixtures.ts';
import {
  dragFromPalette,
  getRun,
  importDocument,
  node,
  openDesigner,
  pageErrors,
  runCommand,
  selectNode,
  setParam,
  startRun,
  toast,
} from './support/designer.ts';
import type { PipelineJson } from './support/documents.ts';

/** The plugins the server loads: `e2etest-greet` gives `e2etest.greet` 1.0.0 and 2.0.0 (see its README). */
const PLUGINS_DIR = join(REPO_ROOT, 'e2e', 'fixtures', 'plugins');

test.use({ loomEnv: { LOOM_PLUGINS_DIR: PLUGINS_DIR } });

interface CatalogEntry {
  type: string;
  version: string;
  latest: boolean;
  source: string;
  plugin?: { name: string; origin: string };
  migratesFrom?: string;
}

/** A document with one `e2etest.greet` node pinned to `version`. */
function greetDocument(version: string, params: Record<string, unknown>): { name: string; text: string } {
  const document: PipelineJson = {
    format: 'loom.pipeline',
    formatVersion: 2,
    name: `greet-${version}`,
    nodes: [{ id: 'greet', type: 'e2etest.greet', version, params, ui: { position: { x: 120, y: 120 } } }],
    edges: [],
  };
  return { name: `greet-${version}.loom.json`, text: JSON.stringify(document) };
}

test('the plugin’s node is in the palette with its source, and runs', async ({ page, loom }) => {
  const { nodes } = await loom.api<{ nodes: CatalogEntry[] }>('/api/nodes');
  const greet = nodes.filter((entry) => entry.type === 'e2etest.greet');
  expect(greet.map((entry) => [entry.version, entry.latest, entry.migratesFrom])).toEqual([
    ['1.0.0', false, undefined],
    ['2.0.0', true, '1.0.0'],
  ]);
  expect(greet[1]).toMatchObject({
    source: 'loom-plugin-e2etest@1.0.0',
    plugin: { name: 'loom-plugin-e2etest', origin: 'directory' },
  });

  await openDesigner(page);
  await page.getByTestId('palette-search').fill('greet');
  const entry = page.getByTestId('palette-e2etest.greet');
  await expect(entry).toBeVisible();
  await expect(page.getByTestId('palette-source-e2etest.greet')).toHaveText('loom-plugin-e2etest');
  await expect(entry).toHaveAttribute('title', /e2etest\.greet 2\.0\.0, from loom-plugin-e2etest@1\.0\.0/);
  // Built-in nodes name no plugin.
  await page.getByTestId('palette-search').fill('csv');
  await expect(page.getByTestId('palette-data.csv')).toBeVisible();
  await expect(page.getByTestId('palette-source-data.csv')).toHaveCount(0);

  await page.getByTestId('palette-search').fill('greet');
  const id = await dragFromPalette(page, 'e2etest.greet', { x: 400, y: 250 });
  // The palette offers the latest version, so the new node is up to date.
  await expect(node(page, id)).toContainText('2.0.0');
  await expect(page.getByTestId(`update-${id}`)).toHaveCount(0);
  await setParam(page, id, 'who', 'Loom');

  const runId = await startRun(page);
  await expect(node(page, id)).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
  const run = await getRun(loom, runId);
  expect(run.status).toBe('succeeded');
  const output = run.steps[0]?.outputs.greeting;
  expect(output, 'the step wrote its greeting').toBeDefined();
  const text = await (await loom.fetch(`/api/artifacts/${output?.sha256}`)).text();
  expect(text).toBe('Hello, Loom!');
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('a node pinning 1.0.0 is upgraded to 2.0.0 with its parameter migrated, and undo brings 1.0.0 back', async ({
  page,
}) => {
  await openDesigner(page);
  await importDocument(page, greetDocument('1.0.0', { name: 'Ada' }), 1);
  await expect(page.getByTestId('update-greet'), 'the canvas marks the node as out of date').toBeVisible();

  const inspector = await selectNode(page, 'greet');
  const notice = inspector.getByTestId('upgrade-notice');
  await expect(notice).toContainText('Version 1.0.0 — 2.0.0 available');
  await expect(inspector.getByTestId('param-name')).toHaveValue('Ada');

  await inspector.getByTestId('upgrade-node').click();
  await expect(toast(page, 'success')).toHaveText('Upgraded greet to e2etest.greet 2.0.0');
  await expect(notice).toHaveCount(0);
  await expect(page.getByTestId('update-greet')).toHaveCount(0);
  await expect(node(page, 'greet')).toContainText('2.0.0');
  await expect(inspector.getByTestId('param-who'), 'the migration renamed name to who').toHaveValue('Ada');
  await expect(inspector.getByTestId('param-name')).toHaveCount(0);
  await expect(page.getByTestId('problem-greet')).toHaveCount(0);

  // One undo takes back version and parameters together.
  await runCommand(page, 'edit', 'edit.undo');
  await expect(node(page, 'greet')).toContainText('1.0.0');
  await expect(inspector.getByTestId('upgrade-notice')).toContainText('Version 1.0.0 — 2.0.0 available');
  await expect(inspector.getByTestId('param-name')).toHaveValue('Ada');
  await expect(page.getByTestId('update-greet')).toBeVisible();

  // The same upgrade from the Edit menu, where the command is listed.
  await runCommand(page, 'edit', 'edit.upgrade-node');
  await expect(node(page, 'greet')).toContainText('2.0.0');
  await expect(inspector.getByTestId('param-who')).toHaveValue('Ada');
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('a node pinning a version that is not installed is offered the latest one', async ({ page }) => {
  await openDesigner(page);
  await importDocument(page, greetDocument('0.9.0', { name: 'Grace' }), 1);
  await expect(page.getByTestId('problem-greet')).toBeVisible();

  const inspector = await selectNode(page, 'greet');
  await expect(inspector.getByTestId('upgrade-notice')).toContainText(
    'Version 0.9.0 (not installed) — 2.0.0 available',
  );
  await inspector.getByTestId('upgrade-node').click();
  await expect(node(page, 'greet')).toContainText('2.0.0');
  await expect(inspector.getByTestId('param-who')).toHaveValue('Grace');
  await expect(page.getByTestId('problem-greet')).toHaveCount(0);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
