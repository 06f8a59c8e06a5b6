// Monitoring a deployed model in the designer: the iris example is trained and deployed through the API
// (model `iris`, with its training baseline), a monitor with 10-second windows and a retrain action is
// added from Models and endpoints → Monitoring, then the endpoint gets iris.csv's rows as they are in one
// window and with both petal measurements shifted in the next. Check now evaluates them: the drift
// chart shows the quiet windows as gaps, the normal one without drift and the shifted one drifting; its
// report opens with baseline and window histograms side by side; the alert opens, with the retrain run
// it started, and a badge on the model; it is resolved by hand, and the monitor paused, resumed and
// deleted. Nothing is mocked: the server's own monitors read the request log.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { EXAMPLES, expect, type LoomServer, test } from '../fixtures.ts';
import { canvasNodes, getRun, openDesigner, pageErrors, runCommand } from './support/designer.ts';
import { IRIS_EXAMPLE, IRIS_STEPS } from './support/documents.ts';

const MODEL = 'iris';
const WINDOW_SECONDS = 10;
/** The server evaluates a window this long after it ends (`graceMs`' default), so the log has every row. */
const GRACE_MS = 5_000;

type Row = Record<string, number>;

/** iris.csv's measurements, without the species: what a client of the endpoint sends. */
async function irisRows(): Promise<Row[]> {
  const [header, ...lines] = (await readFile(join(EXAMPLES, 'iris-classification', 'iris.csv'), 'utf8'))
    .trim()
    .split('\n');
  const names = (header ?? '').split(',');
  return lines.map((line) => {
    const row: Row = {};
    line.split(',').forEach((value, i) => {
      const name = names[i] as string;
      if (name !== 'species') row[name] = Number(value);
    });
    return row;
  });
}

/** Trains and deploys the iris example (it deploys model `iris` behind `production`); returns its pipeline id. */
async function deployIris(loom: LoomServer): Promise<string> {
  const document = JSON.parse(await readFile(IRIS_EXAMPLE, 'utf8'));
  const pipeline = await loom.api<{ id: string }>('/api/pipelines', { method: 'POST', json: document });
  const run = await loom.api<{ id: string }>(`/api/pipelines/${pipeline.id}/runs`, { method: 'POST', json: {} });
  await expect
    .poll(async () => (await getRun(loom, run.id)).status, { timeout: 60_000, message: 'the training run ends' })
    .toBe('succeeded');
  const versions = await loom.api<{ versions: Array<{ version: number; hasBaseline: boolean }> }>(
    `/api/models/${MODEL}/versions`,
  );
  expect(versions.versions).toMatchObject([{ version: 1, hasBaseline: true }]);
  return pipeline.id;
}

/** Waits until just after the next window of `WINDOW_SECONDS` starts, so what is sent next lands in it. */
async function nextWindow(): Promise<number> {
  const length = WINDOW_SECONDS * 1000;
  const start = Math.ceil((Date.now() + 1) / length) * length;
  await new Promise((resolve) => setTimeout(resolve, start - Date.now() + 300));
  return start;
}

async function infer(loom: LoomServer, rows: Row[]): Promise<void> {
  const reply = await loom.api<{ predictions: unknown[] }>(`/v2/models/${MODEL}/infer`, {
    method: 'POST',
    json: { rows },
  });
  expect(reply.predictions).toHaveLength(rows.length);
}

async function openMonitoring(page: Page): Promise<Locator> {
  await openDesigner(page);
  await runCommand(page, 'run', 'run.endpoints');
  const dialog = page.getByTestId('endpoints-dialog');
  await expect(dialog.getByTestId('model-title')).toHaveText(MODEL);
  await dialog.getByTestId('model-tab-monitoring').click();
  await expect(dialog.getByTestId('monitors-empty')).toBeVisible();
  return dialog;
}

test('a monitor charts normal then shifted traffic, its drifting window opens a drift report, and the alert opens', async ({
  page,
  loom,
}) => {
  test.setTimeout(240_000);
  const pipelineId = await deployIris(loom);
  const rows = await irisRows();
  const dialog = await openMonitoring(page);

  // Add monitor: 10-second windows, the default rule, a retrain; a webhook this server does not allow first.
  await dialog.getByTestId('monitor-add').click();
  const form = dialog.getByTestId('monitor-form');
  await form.getByTestId('monitor-name').fill('iris traffic');
  await form.getByTestId('monitor-window-length').fill(String(WINDOW_SECONDS));
  await form.getByTestId('monitor-window-unit').selectOption('s');
  await expect(form.getByTestId('monitor-rule-0').getByTestId('rule-metric')).toHaveValue('dataset_drift');
  await expect(form.getByTestId('monitor-rule-0')).toContainText('the dataset drifts');
  await form.getByTestId('monitor-retrain').check();
  await form.getByTestId('monitor-pipeline').selectOption(pipelineId);
  await expect(form.getByTestId('monitor-parameter-regularization')).toHaveAttribute('placeholder', 'default 1');
  await form.getByTestId('monitor-webhook').fill('https://hooks.example.com/loom');
  await form.getByTestId('monitor-create').click();
  // The server's 400 names /actions/1/url: the form shows it beside the webhook field.
  await expect(form.getByTestId('monitor-problem-webhook-url')).toContainText('LOOM_WEBHOOK_ALLOW');
  await expect(form.getByTestId('monitor-webhook')).toHaveAttribute('aria-invalid', 'true');
  await form.getByTestId('monitor-webhook').fill('');
  await form.getByTestId('monitor-create').click();
  await expect(form).toBeHidden();
  await expect(dialog.getByTestId('monitor-secret-value')).toHaveValue(/^[0-9a-f]{64}$/);

  const row = dialog.getByTestId('monitor-row-iris traffic');
  await expect(row.getByTestId('monitor-window')).toHaveText('10 s');
  await expect(row).toContainText('the dataset drifts');
  await expect(row).toContainText(`runs pipeline ${pipelineId}`);

  // One window of the rows as they are, the next with both petal measurements shifted out of range.
  await nextWindow();
  await infer(loom, rows);
  const drifting = await nextWindow();
  await infer(
    loom,
    rows.map((r) => ({ ...r, petal_length: (r.petal_length ?? 0) + 4, petal_width: (r.petal_width ?? 0) + 2 })),
  );
  await new Promise((resolve) => setTimeout(resolve, drifting + WINDOW_SECONDS * 1000 + GRACE_MS + 500 - Date.now()));
  await row.getByTestId('monitor-check').click();
  await expect(dialog.getByTestId('monitors-notice')).toContainText('iris traffic: ');

  const chart = dialog.getByTestId('drift-chart');
  const windows = chart.getByTestId('drift-window');
  const driftStart = new Date(drifting).toISOString();
  await expect(chart.locator(`[data-testid="drift-window"][data-start="${driftStart}"]`)).toHaveAttribute(
    'data-status',
    'drift',
  );
  await expect(windows.and(page.locator('[data-status="ok"]'))).toHaveCount(1);
  // The quiet windows since the monitor was made are gaps, not zero drift.
  await expect(chart.getByTestId('drift-gap').first()).toBeVisible();
  expect(await chart.getByTestId('drift-gap').count()).toBe(
    await windows.and(page.locator('[data-status="no_data"]')).count(),
  );
  await expect(chart.getByTestId('drift-share-drifted')).toHaveCount(1);
  await expect(chart.getByTestId('drift-share-point')).toHaveCount(1);
  await expect(row.getByTestId('monitor-last-window')).toContainText(/drift|no data/);

  // Hovering the drifting window shows its values; clicking it opens its report.
  const driftWindow = chart.locator(`[data-testid="drift-window"][data-start="${driftStart}"]`);
  await driftWindow.hover();
  const tooltip = chart.getByTestId('drift-tooltip');
  await expect(tooltip).toContainText('drift');
  await expect(tooltip).toContainText('rows150');
  await expect(tooltip).toContainText('drifting features50%');
  await expect(tooltip).toContainText('petal_length score');
  await driftWindow.click();
  const report = dialog.getByTestId('drift-report');
  await expect(report.getByTestId('drift-report-verdict')).toContainText('The dataset drifts');
  await expect(report.getByTestId('drift-report-verdict')).toContainText('2 of 4 features drifted (50%) over 150 rows');
  const petal = report.getByTestId('drift-feature-petal_length');
  await expect(petal.getByTestId('drifted-badge')).toBeVisible();
  await expect(petal).toContainText('Kolmogorov–Smirnov');
  await expect(petal.getByTestId('drift-score')).toContainText(/^p = .* < 0\.05$/);
  await expect(petal).toContainText('out of range');
  await expect(petal.getByTestId('histogram-baseline')).toBeVisible();
  await expect(petal.getByTestId('histogram-current')).toBeVisible();
  await expect(petal.getByTestId('histogram-baseline').getByTestId('histogram-bar')).toHaveCount(
    await petal.getByTestId('histogram-current').getByTestId('histogram-bar').count(),
  );
  await expect(report.getByTestId('drift-feature-sepal_length').getByTestId('drifted-badge')).toHaveCount(0);
  await expect(report.getByTestId('drift-feature-prediction')).toBeVisible();
  await dialog.getByTestId('drift-measure-psi').click();
  await expect(chart).toContainText('PSI per feature');

  // The alert: open, in words, with the retrain run it started; a badge on the model and its tab.
  const alert = dialog.getByTestId('alert-open');
  await expect(alert).toHaveCount(1);
  await expect(alert.getByTestId('alert-rule')).toHaveText('the dataset drifts');
  await expect(alert.getByTestId('alert-value')).toHaveText('yes');
  await expect(alert.getByTestId('alert-run-link')).toBeVisible({ timeout: 20_000 });
  await expect(dialog.getByTestId(`model-item-${MODEL}`).getByTestId('model-alert-badge')).toHaveText('1');
  await expect(dialog.getByTestId('model-tab-monitoring').getByTestId('model-alert-badge')).toHaveText('1');
  const alerts = await loom.api<{ alerts: Array<{ id: string; actions: Array<{ runId?: string }> }> }>(
    `/api/alerts?status=open&model=${MODEL}`,
  );
  expect(alerts.alerts).toHaveLength(1);
  const retrain = alerts.alerts[0]?.actions[0]?.runId;
  expect(retrain).toMatch(/\S/);
  await expect(alert.getByTestId('alert-run-link')).toContainText(`started run ${retrain}`);
  expect(pageErrors(page)).toEqual([]);

  // The run link opens the retrain in the run view.
  await alert.getByTestId('alert-run-link').click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`/runs/${retrain}$`));
  await expect(canvasNodes(page)).toHaveCount(IRIS_STEPS.length);

  // Resolved by hand, the alert goes below and the badge goes.
  await page.keyboard.press('Shift+M');
  await expect(dialog.getByTestId('model-title')).toHaveText(MODEL);
  await dialog.getByTestId('model-tab-monitoring').click();
  await dialog.getByTestId('alert-open').getByTestId('alert-resolve').click();
  await expect(dialog.getByTestId('alert-open')).toHaveCount(0);
  await expect(dialog.getByTestId('alerts-none-open')).toBeVisible();
  await expect(dialog.getByTestId('alert-resolved')).toHaveCount(1);
  await expect(dialog.getByTestId(`model-item-${MODEL}`).getByTestId('model-alert-badge')).toHaveCount(0);

  // Paused, resumed, then deleted after asking.
  await row.getByTestId('monitor-pause').click();
  await expect(row.getByTestId('monitor-paused')).toBeVisible();
  await expect(row.getByTestId('monitor-pause')).toHaveText('Resume');
  await row.getByTestId('monitor-pause').click();
  await expect(row.getByTestId('monitor-paused')).toHaveCount(0);
  const asked: string[] = [];
  page.once('dialog', (question) => {
    asked.push(question.message());
    void question.accept();
  });
  await row.getByTestId('monitor-delete').click();
  await expect(dialog.getByTestId('monitors-empty')).toBeVisible();
  expect(asked).toEqual(['Delete monitor "iris traffic" with its windows and alerts?']);
  await expect(dialog.getByTestId('drift-section')).toHaveCount(0);
  expect((await loom.api<{ monitors: unknown[] }>('/api/monitors')).monitors).toEqual([]);
  expect(pageErrors(page)).toEqual([]);
});
