// `pnpm designer dev`: Vite serves the designer with hot reload and forwards /api to a `loom start`. The
// request guard must take what comes through it as the designer's own: the page loads, lists the
// nodes, and saves and runs a pipeline through the proxy, while another site's page is still refused.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { EXAMPLES, expect, REPO_ROOT, test } from '../fixtures.ts';

const DESIGNER = join(REPO_ROOT, 'apps', 'designer');

let vite: ViteDevServer | undefined;

test.afterAll(async () => {
  await vite?.close();
  delete process.env.LOOM_API_URL;
});

async function devServer(loomUrl: string): Promise<string> {
  // vite.config.ts reads where the API is when it loads.
  process.env.LOOM_API_URL = loomUrl;
  vite = await createServer({
    root: DESIGNER,
    configFile: join(DESIGNER, 'vite.config.ts'),
    server: { host: 'localhost', port: 0, strictPort: false, hmr: false },
    logLevel: 'silent',
  });
  await vite.listen();
  const address = vite.httpServer?.address();
  if (address === null || address === undefined || typeof address === 'string')
    throw new Error('Vite is not listening');
  return `http://localhost:${address.port}`;
}

test('the designer from the dev server lists nodes, saves and runs a pipeline through its proxy', async ({
  page,
  loom,
}) => {
  const url = await devServer(loom.url);
  await page.goto(url);
  // The palette fills from GET /api/nodes, through the proxy.
  await expect(page.locator('.palette-item').first()).toBeVisible({ timeout: 30_000 });

  const document = JSON.parse(await readFile(join(EXAMPLES, 'iris-classification', 'pipeline.loom.json'), 'utf8'));
  const answers = await page.evaluate(async (body) => {
    const json = { 'content-type': 'application/json' };
    const saved = await fetch('/api/pipelines', { method: 'POST', headers: json, body: JSON.stringify(body) });
    const { id } = (await saved.json()) as { id: string };
    const run = await fetch(`/api/pipelines/${id}/runs`, { method: 'POST', headers: json });
    const { id: runId } = (await run.json()) as { id: string };
    const cancel = await fetch(`/api/runs/${runId}/cancel`, { method: 'POST', headers: json });
    return { saved: saved.status, run: run.status, cancel: cancel.status };
  }, document);
  expect(answers.saved).toBe(201);
  expect(answers.run).toBe(201);
  expect([202, 409]).toContain(answers.cancel);
});
