// Models and endpoints in the designer: two versions of an iris classifier trained by real runs and
// registered through the API, shown with their metrics, provenance and the endpoint's canary split;
// an alias moved and rolled back from the view; the provenance link opening the run; and "Try it"
// sending a row to the model server embedded in `loom start`.
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, type LoomServer, test } from '../fixtures.ts';
import {
  type ApiRun,
  canvasNodes,
  getRun,
  openDesigner,
  pageErrors,
  rollBackConfirmed,
  runCommand,
} from './support/designer.ts';
import { IRIS_EXAMPLE, type PipelineJson } from './support/documents.ts';

/** The model the tests register; not the example's own name, so a deploy step in the example never shares it. */
const MODEL = 'flowers';

/** A run as `GET /api/runs/:id` gives it, with what registering its ONNX needs of each step. */
type TrainingRun = Omit<ApiRun, 'steps'> & {
  steps: Array<ApiRun['steps'][number] & { type: string; metrics: Record<string, number> }>;
};

interface Seeded {
  /** The runs that trained v1 and v2. */
  runs: [TrainingRun, TrainingRun];
  /** The steps of the pipeline those runs ran: the example's, less its deploy step. */
  steps: number;
}

/** What each server of this file was seeded with (a failed test brings a fresh server, seeded again). */
const seeded = new WeakMap<LoomServer, Promise<Seeded>>();

/**
 * Trains the iris example twice (two regularisations, so two different ONNX files), and registers each
 * run's ONNX as a version of {@link MODEL} with the validation's metrics and the run as provenance.
 */
function seed(loom: LoomServer): Promise<Seeded> {
  let done = seeded.get(loom);
  if (done === undefined) {
    done = (async () => {
      const document = JSON.parse(await readFile(IRIS_EXAMPLE, 'utf8')) as PipelineJson;
      // Only the training: a deploy step, should the example gain one, would register a model of its own.
      const deploySteps = new Set(
        document.nodes.filter((node) => node.type.startsWith('deploy.')).map((node) => node.id),
      );
      document.nodes = document.nodes.filter((node) => !deploySteps.has(node.id));
      document.edges = (document.edges ?? []).filter(
        (edge) => !deploySteps.has(edge.from.node) && !deploySteps.has(edge.to.node),
      );
      const pipeline = await loom.api<{ id: string; version: number }>('/api/pipelines', {
        method: 'POST',
        json: document,
      });
      const first = await trainAndRegister(loom, pipeline, 1);
      const second = await trainAndRegister(loom, pipeline, 0.1);
      return { runs: [first, second], steps: document.nodes.length };
    })();
    seeded.set(loom, done);
  }
  return done;
}

async function trainAndRegister(
  loom: LoomServer,
  pipeline: { id: string; version: number },
  regularization: number,
): Promise<TrainingRun> {
  const started = await loom.api<{ id: string }>(`/api/pipelines/${pipeline.id}/runs`, {
    method: 'POST',
    json: { parameters: { regularization } },
  });
  await expect
    .poll(async () => (await getRun(loom, started.id)).status, { timeout: 45_000, message: 'the training run ends' })
    .toBe('succeeded');
  const run = await loom.api<TrainingRun>(`/api/runs/${started.id}`);
  const onnxStep = run.steps.find((step) => step.type === 'export.onnx');
  const validate = run.steps.find((step) => step.type === 'validate.model');
  const onnx = Object.values(onnxStep?.outputs ?? {})[0]?.sha256;
  if (onnxStep === undefined || onnx === undefined) throw new Error(`run ${run.id} has no ONNX output`);
  await loom.api(`/api/models/${MODEL}/versions`, {
    method: 'POST',
    json: {
      onnx,
      description: 'Iris species from sepal and petal measurements',
      metrics: validate?.metrics ?? null,
      provenance: { pipelineId: pipeline.id, pipelineVersion: pipeline.version, runId: run.id, stepId: onnxStep.id },
      by: 'e2e',
    },
  });
  return run;
}

/** Puts the registry in a known state: `production` at `version`, served by the endpoint with `traffic`. */
async function serve(
  loom: LoomServer,
  version: number,
  traffic: Array<{ version: number; percent: number }> = [],
): Promise<void> {
  await loom.api(`/api/models/${MODEL}/aliases/production`, { method: 'PUT', json: { version } });
  await loom.api(`/api/endpoints/${MODEL}`, { method: 'PUT', json: { alias: 'production', traffic } });
}

async function openEndpoints(page: Page) {
  await openDesigner(page);
  await runCommand(page, 'run', 'run.endpoints');
  const dialog = page.getByTestId('endpoints-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId(`model-item-${MODEL}`).click();
  await expect(dialog.getByTestId('model-title')).toHaveText(MODEL);
  return dialog;
}

test('lists the model with its versions, metrics, aliases, provenance and the endpoint’s canary split', async ({
  page,
  loom,
}) => {
  const { runs } = await seed(loom);
  await serve(loom, 1, [
    { version: 2, percent: 10 },
    { version: 1, percent: 90 },
  ]);

  const dialog = await openEndpoints(page);
  await expect(dialog.getByTestId(`model-item-${MODEL}`)).toContainText('2 versions · latest v2');
  await expect(dialog.getByTestId(`model-item-${MODEL}`)).toContainText('canary: v1 90%, v2 10%');

  const split = dialog.getByTestId('traffic-split');
  await expect(split.getByTestId('traffic-v1')).toHaveText('v1 · 90%');
  await expect(split.getByTestId('traffic-v2')).toHaveText('v2 · 10%canary');
  await expect(dialog.getByTestId('endpoint-summary')).toContainText(`POST /v2/models/${MODEL}/infer`);
  await expect(dialog.getByTestId('endpoint-summary')).toContainText('serves production with a traffic split');

  const v1 = dialog.getByTestId('version-row-1');
  const v2 = dialog.getByTestId('version-row-2');
  await expect(v1.getByTestId('version-aliases')).toHaveText('production');
  await expect(v2.getByTestId('version-aliases')).toHaveText('—');
  await expect(v1.getByTestId('version-traffic')).toHaveText('90%');
  await expect(v2.getByTestId('version-traffic')).toHaveText('10%');
  // The validation's accuracy gated each version: a headline score comes first in the summary.
  await expect(v1.getByTestId('version-metrics')).toContainText(/^accuracy \d/);
  await expect(dialog.getByTestId('provenance-1')).toContainText(`run ${runs[0].id} · onnx`);
  await expect(dialog.getByTestId('provenance-2')).toContainText(`run ${runs[1].id} · onnx`);
  expect(pageErrors(page)).toEqual([]);
});

test('moves an alias to another version, rolls it back after asking, and the history says both', async ({
  page,
  loom,
}) => {
  await seed(loom);
  await serve(loom, 1, [
    { version: 2, percent: 10 },
    { version: 1, percent: 90 },
  ]);

  const dialog = await openEndpoints(page);
  const production = dialog.getByTestId('alias-production');
  await expect(production.getByTestId('alias-version')).toHaveText('v1');

  await dialog.getByTestId('set-alias-name').fill('production');
  await dialog.getByTestId('set-alias-version').selectOption('2');
  await dialog.getByTestId('set-alias-submit').click();
  await expect(dialog.getByTestId('endpoints-notice')).toHaveText(`Moved production of ${MODEL} from v1 to v2`);
  await expect(production.getByTestId('alias-version')).toHaveText('v2');
  await expect(dialog.getByTestId('version-row-2').getByTestId('version-aliases')).toHaveText('production');
  const aliases = await loom.api<{ aliases: Array<{ alias: string; version: number }> }>(`/api/models/${MODEL}`);
  expect(aliases.aliases).toContainEqual(expect.objectContaining({ alias: 'production', version: 2 }));

  await rollBackConfirmed(page, dialog, { model: MODEL, alias: 'production', from: 2, to: 1 });
  await expect(production.getByTestId('alias-version')).toHaveText('v1');
  // A rollback ends the canary: every request goes to the version rolled back to.
  await expect(dialog.getByTestId('traffic-split').getByTestId('traffic-v1')).toHaveText('v1 · 100%');
  await expect(dialog.getByTestId('traffic-split').getByTestId('traffic-v2')).toHaveCount(0);
  const endpoint = await loom.api<{ routes: unknown[] }>(`/api/endpoints/${MODEL}`);
  expect(endpoint.routes).toEqual([{ version: 1, percent: 100 }]);

  await dialog.getByTestId('model-tab-history').click();
  const events = dialog.getByTestId('model-event');
  await expect(events.nth(0)).toContainText('production rolled back from v2 to v1');
  await expect(events.nth(1)).toContainText('production moved from v1 to v2');
  await expect(dialog.getByTestId('model-events')).toContainText('v2 registered');
  await expect(dialog.getByTestId('model-events')).toContainText('v1 registered');
  expect(pageErrors(page)).toEqual([]);
});

test('a dismissed rollback changes nothing; one the registry refuses is shown, and the view catches up', async ({
  page,
  loom,
}) => {
  await seed(loom);
  await serve(loom, 1);
  await serve(loom, 2);
  await loom.api(`/api/models/${MODEL}/aliases/staging`, { method: 'PUT', json: { version: 1 } });
  await loom.api(`/api/models/${MODEL}/aliases/staging`, { method: 'PUT', json: { version: 2 } });
  const dialog = await openEndpoints(page);
  const before = await loom.api<{ events: unknown[] }>(`/api/models/${MODEL}/events`);

  page.once('dialog', (question) => void question.dismiss());
  await dialog.getByTestId('rollback-production').click();
  await expect(dialog.getByTestId('alias-production').getByTestId('alias-version')).toHaveText('v2');
  const after = await loom.api<{ events: unknown[] }>(`/api/models/${MODEL}/events`);
  expect(after.events).toHaveLength(before.events.length);

  // Someone else removes the alias while the view still shows it: the server's refusal is what the view says.
  await loom.api(`/api/models/${MODEL}/aliases/staging`, { method: 'DELETE' });
  page.once('dialog', (question) => void question.accept());
  await dialog.getByTestId('rollback-staging').click();
  await expect(dialog.getByTestId('endpoints-notice')).toHaveText(`model "${MODEL}" has no alias "staging"`);
  await expect(dialog.getByTestId('alias-staging')).toHaveCount(0);
  await expect(dialog.getByTestId('alias-production').getByTestId('alias-version')).toHaveText('v2');
  expect(pageErrors(page)).toEqual([]);
});

test('the provenance link opens the run that trained the version on the canvas', async ({ page, loom }) => {
  const { runs, steps } = await seed(loom);
  await serve(loom, 1);
  const dialog = await openEndpoints(page);
  await dialog.getByTestId('provenance-2').click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`/runs/${runs[1].id}$`));
  await expect(canvasNodes(page)).toHaveCount(steps);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
  expect(pageErrors(page)).toEqual([]);
});

// Against the model server embedded in `loom start`: POST /v2/models/{model}/infer in the row form.
test('Try it sends the first training row to the endpoint and shows the label, probabilities, version and latency', async ({
  page,
  loom,
}) => {
  await seed(loom);
  await serve(loom, 1);
  const dialog = await openEndpoints(page);
  await dialog.getByTestId('model-tab-try').click();
  const form = dialog.getByTestId('try-it-form');
  // Prefilled from the first row of iris.csv, read from the run that trained v1.
  await expect(form.getByTestId('try-it-input-sepal_length')).toHaveValue('5.1');
  await expect(form.getByTestId('try-it-input-petal_width')).toHaveValue('0.2');
  await expect(form.getByTestId('try-it-curl')).toContainText(
    `"rows":[{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}]`,
  );

  // A value that is no number is caught before anything is sent.
  await form.getByTestId('try-it-input-sepal_width').fill('wide');
  await form.getByTestId('try-it-send').click();
  await expect(form).toContainText('sepal_width takes a number, not “wide”');
  await expect(dialog.getByTestId('try-it-answer')).toHaveCount(0);
  await form.getByTestId('try-it-input-sepal_width').fill('3.5');

  await form.getByTestId('try-it-send').click();
  const answer = dialog.getByTestId('try-it-answer');
  await expect(answer.getByTestId('try-it-label')).toHaveText('setosa');
  await expect(answer.getByTestId('try-it-version')).toHaveText('v1');
  await expect(answer.getByTestId('try-it-latency')).toHaveText(/^\d+(\.\d)? (ms|s)$/);
  await expect(answer.getByTestId('try-it-probability-setosa')).toHaveClass(/is-chosen/);
  await expect(answer.getByTestId('try-it-probability-versicolor')).toBeVisible();
  await expect(answer.getByTestId('try-it-probability-virginica')).toBeVisible();
  expect(pageErrors(page)).toEqual([]);
});
