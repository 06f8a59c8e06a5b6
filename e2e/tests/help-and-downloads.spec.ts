// The Help menu reaches the server's own pages (API reference, guides), which work offline; a step's
// ONNX output downloads under the model's name, not its hash.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXAMPLES, expect, REPO_ROOT, test } from '../fixtures.ts';
import { expectStatuses, openDesigner, pageErrors, runCommand, selectNode, startRun } from './support/designer.ts';
import { openDocument, type PipelineJson } from './support/documents.ts';

test('Help opens the API reference and the guides, served by this server', async ({ page, context }) => {
  await openDesigner(page);
  const pages: Array<[string, string, RegExp]> = [
    ['help.api-docs', '/docs/', /Loom API/],
    ['help.guide-plugins', '/guides/plugins', /^# /],
    ['help.guide-sdk', '/guides/sdk-reference', /^# /],
  ];
  for (const [command, path, content] of pages) {
    const opened = context.waitForEvent('page');
    await runCommand(page, 'help', command);
    const tab = await opened;
    await tab.waitForLoadState();
    expect(new URL(tab.url()).pathname).toBe(path);
    if (path === '/docs/') await expect(tab.locator('body')).toContainText(content);
    else {
      const guide = await readFile(join(REPO_ROOT, 'docs', `${path.split('/').pop()}.md`), 'utf8');
      expect(guide).toMatch(content);
      // Raw Markdown in the browser's text view: the file as it is in the repository.
      expect(await tab.locator('pre').textContent()).toBe(guide);
    }
    await tab.close();
  }
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('the ONNX output downloads as <pipeline>.onnx', async ({ page }) => {
  const document = JSON.parse(
    await readFile(join(EXAMPLES, 'iris-classification', 'pipeline.loom.json'), 'utf8'),
  ) as PipelineJson;
  await openDocument(page, document);
  await startRun(page);
  await expectStatuses(
    page,
    document.nodes.map((n) => n.id),
    'succeeded',
  );

  const inspector = await selectNode(page, 'onnx');
  await inspector.getByTestId('open-step').click();
  const link = page.getByTestId('step-drawer').getByTestId('download-onnx');
  await expect(link).toHaveAttribute('download', 'iris-classification.onnx');
  await expect(link).toHaveAttribute('href', /\/api\/artifacts\/[0-9a-f]{64}\?filename=iris-classification\.onnx$/);

  const downloading = page.waitForEvent('download');
  await link.click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('iris-classification.onnx');
  const path = await download.path();
  const bytes = await readFile(path);
  expect(bytes.byteLength).toBeGreaterThan(100);

  // The server names it too, for clients that ignore the link's download attribute.
  const reply = await page.request.get((await link.getAttribute('href')) ?? '');
  expect(reply.headers()['content-disposition']).toBe(
    `attachment; filename="iris-classification.onnx"; filename*=UTF-8''iris-classification.onnx`,
  );
  expect(Buffer.from(await reply.body()).equals(bytes)).toBe(true);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
