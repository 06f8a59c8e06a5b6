// The Traffic tab of Models and endpoints: the iris example, run through the API, deploys model `iris`
// to the model server embedded in `loom start`; requests sent to its endpoint show as requests/s,
// latency and error rate in the charts, read from `GET /api/endpoints/iris/stats` as they refresh.
// Nothing is mocked.
import { readFile } from 'node:fs/promises';
import { expect, test } from '../fixtures.ts';
import { getRun, openDesigner, pageErrors, runCommand } from './support/designer.ts';
import { IRIS_EXAMPLE, type PipelineJson } from './support/documents.ts';

const MODEL = 'iris';

test('the Traffic tab charts the requests an endpoint answered, over the last hour and the last day', async ({
  page,
  loom,
}) => {
  test.setTimeout(120_000);
  const document = JSON.parse(await readFile(IRIS_EXAMPLE, 'utf8')) as PipelineJson;
  const pipeline = await loom.api<{ id: string }>('/api/pipelines', { method: 'POST', json: document });
  const run = await loom.api<{ id: string }>(`/api/pipelines/${pipeline.id}/runs`, { method: 'POST', json: {} });
  await expect
    .poll(async () => (await getRun(loom, run.id)).status, { timeout: 60_000, message: 'the iris run deploys' })
    .toBe('succeeded');

  const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
  for (let i = 0; i < 40; i++) {
    await loom.api(`/v2/models/${MODEL}/infer`, { method: 'POST', json: { rows: [row] } });
  }
  // Two refused (a value that is not a number): 2 of 42 are errors.
  for (let i = 0; i < 2; i++) {
    const refused = await loom.fetch(`/v2/models/${MODEL}/infer`, {
      method: 'POST',
      json: { rows: [{ ...row, sepal_length: 'long' }] },
    });
    expect(refused.status).toBe(400);
  }

  await openDesigner(page);
  await runCommand(page, 'run', 'run.endpoints');
  const dialog = page.getByTestId('endpoints-dialog');
  await expect(dialog.getByTestId('model-title')).toHaveText(MODEL);
  await dialog.getByTestId('model-tab-traffic').click();
  const charts = dialog.getByTestId('traffic-charts');
  await expect(charts.getByTestId('traffic-total')).toContainText('42 requests, 2 not 200');
  const peak = async (chart: string) => Number(await charts.getByTestId(`traffic-${chart}`).getAttribute('data-peak'));
  expect(await peak('requests')).toBeGreaterThan(0);
  expect(await peak('p50')).toBeGreaterThan(0);
  expect(await peak('p99')).toBeGreaterThanOrEqual(await peak('p50'));
  expect(await peak('errors')).toBeGreaterThan(0);
  await expect(charts.getByTestId('traffic-requests').locator('svg[role="img"]')).toHaveAttribute(
    'aria-label',
    /^Requests per second: 360 points/,
  );

  // More requests while the tab is open show at its next refresh, without touching anything.
  for (let i = 0; i < 10; i++) {
    await loom.api(`/v2/models/${MODEL}/infer`, { method: 'POST', json: { rows: [row] } });
  }
  await expect(charts.getByTestId('traffic-total')).toContainText('52 requests, 2 not 200', { timeout: 15_000 });

  await charts.getByTestId('traffic-range-1d').click();
  await expect(charts.getByTestId('traffic-range-1d')).toHaveAttribute('aria-pressed', 'true');
  await expect(charts.getByTestId('traffic-requests').locator('svg[role="img"]')).toHaveAttribute(
    'aria-label',
    /^Requests per second: 1440 points/,
  );
  await expect(charts.getByTestId('traffic-total')).toContainText('52 requests, 2 not 200');
  expect(await peak('requests')).toBeGreaterThan(0);
  expect(pageErrors(page)).toEqual([]);
});
