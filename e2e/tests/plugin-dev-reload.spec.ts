// `loom start --dev`: a plugin edited while the designer is open shows in the palette without a reload
// of the page or a restart of the server, and the designer says so.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, REPO_ROOT, test } from '../fixtures.ts';
import { openDesigner, pageErrors, toast } from './support/designer.ts';

// A copy of the e2e plugin that this file may edit; the server watches it.
const PLUGINS_DIR = mkdtempSync(join(tmpdir(), 'loom-e2e-dev-plugins-'));
const PLUGIN = join(PLUGINS_DIR, 'e2etest-greet');
cpSync(join(REPO_ROOT, 'e2e', 'fixtures', 'plugins', 'e2etest-greet'), PLUGIN, { recursive: true });

test.use({ loomEnv: { LOOM_PLUGINS_DIR: PLUGINS_DIR }, loomArgs: ['--dev'] });
test.afterAll(() => rmSync(PLUGINS_DIR, { recursive: true, force: true }));

const WAVE = `
export const wave = defineNode({
  type: 'e2etest.wave',
  version: '1.0.0',
  title: 'Wave (added live)',
  description: 'Added while the designer was open.',
  category: 'utility',
  outputs: { greeting: output('text') },
  async run() {
    return { greeting: 'o/' };
  },
});
`;

test('a node added to a plugin appears in the open palette, with a notice', async ({ page }) => {
  await openDesigner(page);
  await page.getByTestId('palette-search').fill('wave');
  await expect(page.getByTestId('palette-e2etest.wave')).toHaveCount(0);

  const manifestFile = join(PLUGIN, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { loom: { nodes: string[] } };
  manifest.loom.nodes.push('e2etest.wave@1.0.0');
  const entryFile = join(PLUGIN, 'src', 'index.ts');
  const entry = readFileSync(entryFile, 'utf8').replace(
    'export const nodes = [greetV1, greetV2];',
    `${WAVE}\nexport const nodes = [greetV1, greetV2, wave];`,
  );
  writeFileSync(entryFile, entry);
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));

  await expect(page.getByTestId('palette-e2etest.wave')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('palette-e2etest.wave')).toContainText('Wave (added live)');
  await expect(toast(page, 'info').or(toast(page, 'success'))).toContainText('Nodes reloaded');
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
