// A page of another site, in real Chromium, tries what any web page could do to a user's local Loom:
// start a run with a bodiless POST or a form, read the pipelines, watch the event streams, and read
// everything through a DNS-rebound name. Each is refused, and no run starts. `evil.example` resolves
// to 127.0.0.1 in this browser only, as a rebinding attacker's DNS would make it.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CHROMIUM_LAUNCH_OPTIONS } from '../chromium.ts';
import { EXAMPLES, expect, test } from '../fixtures.ts';

test.use({
  launchOptions: {
    ...CHROMIUM_LAUNCH_OPTIONS,
    args: [...CHROMIUM_LAUNCH_OPTIONS.args, '--host-resolver-rules=MAP evil.example 127.0.0.1'],
  },
});

/** The attacker's page: every try, each noting what the browser let it see. */
const ATTACK_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>cute cats</title></head><body>
<iframe name="sink" style="display:none"></iframe>
<form id="form" method="POST" target="sink" enctype="text/plain"><input name='{"noCache":true,"x":"' value='"}'></form>
<script>
const params = new URLSearchParams(location.search);
const loom = params.get('loom');
const runs = loom + '/api/pipelines/' + params.get('pipeline') + '/runs';
const results = {};
window.attack = (async () => {
  await fetch(runs, { method: 'POST', mode: 'no-cors' }).then(() => (results.bodiless = 'sent'), (e) => (results.bodiless = String(e)));
  await fetch(runs, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' })
    .then(() => (results.textBody = 'sent'), (e) => (results.textBody = String(e)));
  await fetch(runs, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    .then((r) => (results.json = r.status), (e) => (results.json = 'blocked: ' + e.message));
  await fetch(loom + '/api/pipelines').then((r) => r.text()).then((t) => (results.read = t), (e) => (results.read = 'blocked: ' + e.message));
  results.stream = await new Promise((resolve) => {
    const source = new EventSource(loom + '/api/nodes/events');
    source.onopen = () => { source.close(); resolve('open'); };
    source.onerror = () => { source.close(); resolve('error'); };
  });
  const form = document.getElementById('form');
  form.action = runs;
  await new Promise((resolve) => { document.querySelector('iframe').onload = resolve; form.submit(); });
  results.form = 'submitted';
  return results;
})();
</script></body></html>`;

let attacker: Server;
let attackerPort: number;

test.beforeAll(async () => {
  attacker = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ATTACK_PAGE);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerPort = (attacker.address() as AddressInfo).port;
});

test.afterAll(async () => {
  await new Promise((resolve) => attacker.close(resolve));
});

async function saveIris(loom: { api<T>(path: string, init?: object): Promise<T> }): Promise<string> {
  const document = JSON.parse(await readFile(join(EXAMPLES, 'iris-classification', 'pipeline.loom.json'), 'utf8'));
  return (await loom.api<{ id: string }>('/api/pipelines', { method: 'POST', json: document })).id;
}

test('a page of another site can neither start a run nor read or watch anything', async ({ page, loom }) => {
  const pipelineId = await saveIris(loom);
  const query = new URLSearchParams({ loom: loom.url, pipeline: pipelineId });
  await page.goto(`http://evil.example:${attackerPort}/?${query}`);
  const results = await page.evaluate(() => (window as unknown as { attack: Promise<Record<string, unknown>> }).attack);

  // The browser sent the simple requests (a page cannot tell how they ended) and blocked the rest.
  expect(results.bodiless).toBe('sent');
  expect(results.textBody).toBe('sent');
  expect(String(results.json)).toMatch(/^blocked/);
  expect(String(results.read)).toMatch(/^blocked/);
  expect(results.stream).toBe('error');
  expect(results.form).toBe('submitted');
  // Every one of them reached the server and was refused: its log names each, in order (the last line
  // may reach the log a moment after the page saw the answer).
  const refused = () =>
    loom.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string })
      .map(
        (entry) =>
          /^refused a request from the page at http:\/\/evil\.example:\d+ to (\S+ \S+):/.exec(entry.msg ?? '')?.[1],
      )
      .filter((what) => what !== undefined);
  const start = `POST /api/pipelines/${pipelineId}/runs`;
  await expect
    .poll(refused)
    .toEqual([
      start,
      start,
      `OPTIONS /api/pipelines/${pipelineId}/runs`,
      'GET /api/pipelines',
      'GET /api/nodes/events',
      start,
    ]);

  const { runs } = await loom.api<{ runs: unknown[] }>(`/api/runs?pipelineId=${pipelineId}`);
  expect(runs).toEqual([]);
});

test('a DNS-rebound name gets nothing from the server, while its own address works', async ({ page, loom }) => {
  await saveIris(loom);
  const port = new URL(loom.url).port;
  const rebound = await page.goto(`http://evil.example:${port}/`);
  expect(rebound?.status()).toBe(403);
  expect(await rebound?.text()).toContain('LOOM_ALLOWED_HOSTS');
  // Same origin as far as the browser knows: it lets the page read every answer, so each must be empty.
  const reads = await page.evaluate(async () =>
    Promise.all(
      ['/api/pipelines', '/api/runs', '/api/data-files'].map(async (path) => {
        const response = await fetch(path);
        return { path, status: response.status, body: await response.text() };
      }),
    ),
  );
  for (const read of reads) {
    expect(read.status, read.path).toBe(403);
    expect(read.body, read.path).not.toContain('iris');
  }

  const designer = await page.goto(`${loom.url}/`);
  expect(designer?.status()).toBe(200);
  const own = await page.evaluate(async () => (await fetch('/api/pipelines')).json());
  expect(JSON.stringify(own)).toContain('iris');
});
