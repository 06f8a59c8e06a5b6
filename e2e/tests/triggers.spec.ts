// Triggers in the designer: a schedule created, listed in words with its time zone and next tick, a bad
// cron expression refused naming its position, the schedule paused; a webhook created with its URL and
// secret shown once, a delivery signed with that secret (and one that is not) posted from outside the
// browser, and the run it started showing its trigger in the run view and the run history.
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test } from '../fixtures.ts';
import { canvasNodes, explained, openDesigner, pageErrors, runCommand } from './support/designer.ts';
import { IRIS_EXAMPLE, type PipelineJson } from './support/documents.ts';

interface ApiTrigger {
  id: string;
  name: string;
  paused: boolean;
  nextTick?: string;
  lastFire?: { outcome: string; runId?: string };
}

const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

test('schedules and webhooks are made, paused and fired from the Triggers view, and runs show their trigger', async ({
  page,
  loom,
  request,
}) => {
  const document = JSON.parse(await readFile(IRIS_EXAMPLE, 'utf8')) as PipelineJson;
  // Only the training: the run a delivery starts need not deploy anything.
  const deploySteps = new Set(document.nodes.filter((n) => n.type.startsWith('deploy.')).map((n) => n.id));
  document.nodes = document.nodes.filter((n) => !deploySteps.has(n.id));
  document.edges = (document.edges ?? []).filter((e) => !deploySteps.has(e.from.node) && !deploySteps.has(e.to.node));
  const pipeline = await loom.api<{ id: string }>('/api/pipelines', { method: 'POST', json: document });

  await openDesigner(page);
  await page.goto(`/#/pipelines/${pipeline.id}`);
  await page.reload();
  await explained(page, () => expect(canvasNodes(page)).toHaveCount(document.nodes.length));

  await runCommand(page, 'run', 'run.triggers');
  const dialog = page.getByTestId('triggers-dialog');
  await expect(dialog.getByTestId('triggers-empty')).toBeVisible();

  // A schedule, in words as it is typed.
  await dialog.getByTestId('trigger-new-schedule').click();
  const form = dialog.getByTestId('trigger-form');
  await form.getByTestId('trigger-name').fill('nightly');
  await form.getByTestId('trigger-cron').fill('0 3 * * *');
  await form.getByTestId('trigger-timezone').fill('Europe/Paris');
  await expect(form.getByTestId('trigger-cron-words')).toContainText('every day at 03:00');
  await form.getByTestId('trigger-save').click();
  await expect(form).toBeHidden();
  const nightly = dialog.locator('[data-testid="trigger-row"][data-trigger="nightly"]');
  await expect(nightly.getByTestId('trigger-schedule')).toHaveText('every day at 03:00 (Europe/Paris)');
  await expect(nightly.getByTestId('trigger-next')).not.toHaveText('—');
  await expect(nightly.getByTestId('trigger-last-fire')).toHaveText('never');

  // A bad expression is refused by the server, naming where it is wrong; nothing is added.
  await dialog.getByTestId('trigger-new-schedule').click();
  await form.getByTestId('trigger-name').fill('broken');
  await form.getByTestId('trigger-cron').fill('61 * * * *');
  await form.getByTestId('trigger-save').click();
  await expect(form.getByTestId('trigger-form-error')).toContainText('cron: "61" at position 1 (minute)');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog.getByTestId('trigger-row')).toHaveCount(1);

  // Paused: no next tick, here and on the server.
  await nightly.getByTestId('trigger-toggle-pause').click();
  await expect(nightly.getByTestId('trigger-paused')).toBeVisible();
  await expect(nightly.getByTestId('trigger-next')).toHaveText('—');
  await expect(nightly.getByTestId('trigger-toggle-pause')).toHaveText('Resume');
  const listed = await loom.api<{ triggers: ApiTrigger[] }>(`/api/triggers?pipelineId=${pipeline.id}`);
  expect(listed.triggers).toEqual([expect.objectContaining({ name: 'nightly', paused: true })]);
  expect(listed.triggers[0]?.nextTick).toBeUndefined();

  // A webhook: its URL and secret, once.
  await dialog.getByTestId('trigger-new-webhook').click();
  await form.getByTestId('trigger-name').fill('github-push');
  await form.getByTestId('trigger-save').click();
  const secretPanel = dialog.getByTestId('webhook-secret');
  await expect(secretPanel).toBeVisible();
  const url = (await secretPanel.getByTestId('webhook-url').textContent()) ?? '';
  const secret = (await secretPanel.getByTestId('webhook-secret-value').textContent()) ?? '';
  expect(url).toMatch(new RegExp(`^${loom.url}/api/hooks/tr[a-z2-7]+$`));
  expect(secret.length).toBeGreaterThanOrEqual(32);
  await secretPanel.getByTestId('webhook-secret-done').click();
  await expect(secretPanel).toBeHidden();
  const hook = dialog.locator('[data-testid="trigger-row"][data-trigger="github-push"]');
  await expect(hook).toBeVisible();

  // A delivery from outside the browser: one with a wrong signature is refused, a signed one starts a run.
  const body = JSON.stringify({ ref: 'refs/heads/main', after: '0123abc' });
  const forged = await request.post(url, {
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign('a guessed secret', body) },
    data: body,
  });
  expect(forged.status()).toBe(401);
  const delivered = await request.post(url, {
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': sign(secret, body),
      'x-github-event': 'push',
      'x-github-delivery': 'e2e-delivery-1',
    },
    data: body,
  });
  expect(delivered.status()).toBe(202);
  const { run } = (await delivered.json()) as { run: { id: string } };
  const runs = await loom.api<{ runs: Array<{ id: string }> }>(
    `/api/runs?trigger=${encodeURIComponent(url.split('/').at(-1) ?? '')}`,
  );
  expect(runs.runs.map((r) => r.id)).toEqual([run.id]);

  await dialog.getByRole('button', { name: '↻ Refresh' }).click();
  await expect(hook.getByTestId('trigger-last-fire')).toContainText('started');
  await hook.getByTestId('trigger-open-run').click();
  await expect(dialog).toBeHidden();
  const badge = page.getByTestId('run-status').getByTestId('run-trigger');
  await expect(badge).toHaveText('webhook github-push');
  await expect(page).toHaveURL(new RegExp(`/runs/${run.id}$`));

  await runCommand(page, 'run', 'run.history');
  const history = page.getByTestId('runs-dialog');
  await expect(history.getByTestId('run-row').filter({ hasText: run.id }).getByTestId('run-trigger')).toHaveText(
    'webhook github-push',
  );
  expect(pageErrors(page)).toEqual([]);
});
