// What the designer specs do again and again: open the editor, drag from the palette, wire handles,
// fill the inspector, export and import documents, run, and read a run from the API.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Locator, Page } from '@playwright/test';
import { expect, type LoomServer, REPO_ROOT } from '../../fixtures.ts';

const run = promisify(execFile);
const LOOM_BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'loom.js');

/** A run's steps as `GET /api/runs/:id` returns them (the fields these tests read). */
export interface ApiRun {
  id: string;
  pipelineId: string;
  status: string;
  resumeCount: number;
  steps: Array<{
    id: string;
    status: string;
    attempts: number;
    startedAt?: string;
    finishedAt?: string;
    outputs: Record<string, { sha256: string }>;
  }>;
}

const errorsByPage = new WeakMap<Page, string[]>();

/** Uncaught errors the page has thrown since {@link openDesigner} (a React crash blanks the whole editor). */
export function pageErrors(page: Page): string[] {
  return errorsByPage.get(page) ?? [];
}

/**
 * Awaits an expectation; when it fails, its message gains the page's uncaught errors, which are usually
 * the reason an element never showed up.
 */
export async function explained<T>(page: Page, expectation: () => Promise<T>): Promise<T> {
  try {
    return await expectation();
  } catch (error) {
    const errors = pageErrors(page);
    if (errors.length > 0 && error instanceof Error) {
      error.message += `\n\nThe page threw ${errors.length} uncaught error(s):\n${errors.map((e) => `  ${e}`).join('\n')}`;
    }
    throw error;
  }
}

/** Opens the designer on an empty canvas and waits until the catalog has loaded. */
export async function openDesigner(page: Page): Promise<void> {
  if (!errorsByPage.has(page)) {
    const errors: string[] = [];
    errorsByPage.set(page, errors);
    page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
  }
  await page.goto('/');
  await expect(page.getByTestId('palette-search')).toBeVisible();
  await expect(page.locator('.react-flow__pane')).toBeVisible();
}

export function pane(page: Page): Locator {
  return page.locator('.react-flow__pane');
}

export function node(page: Page, id: string): Locator {
  return page.getByTestId(`node-${id}`);
}

/** Every pipeline node on the canvas. */
export function canvasNodes(page: Page): Locator {
  return page.locator('.react-flow__node .pipeline-node');
}

export function canvasEdges(page: Page): Locator {
  return page.locator('.react-flow__edge');
}

/**
 * Drags a palette entry onto the canvas with a real HTML5 drag and drop, dropping it at `at` (pixels
 * from the canvas' top-left corner). Returns the new node's id, read from the node that appeared.
 */
export async function dragFromPalette(page: Page, type: string, at: { x: number; y: number }): Promise<string> {
  const before = new Set(await nodeIds(page));
  await page.getByTestId(`palette-${type}`).dragTo(pane(page), { targetPosition: at, timeout: 10_000 });
  await expect
    .poll(async () => (await nodeIds(page)).length, { message: `a ${type} node appears` })
    .toBe(before.size + 1);
  const added = (await nodeIds(page)).filter((id) => !before.has(id));
  expect(added, `one new node for ${type}`).toHaveLength(1);
  return added[0] as string;
}

/** The canvas viewport: flow point p shows at `p × zoom + (x, y)` pixels from the canvas' top-left corner. */
export async function viewport(page: Page): Promise<{ x: number; y: number; zoom: number }> {
  return page.locator('.react-flow__viewport').evaluate((element) => {
    const matrix = new DOMMatrixReadOnly(getComputedStyle(element).transform);
    return { x: matrix.e, y: matrix.f, zoom: matrix.a };
  });
}

/**
 * Where to drop a palette entry so that the new node's top-left corner lands at flow position `at`
 * (the canvas puts a dropped node's corner 90 × 30 flow pixels up and left of the pointer).
 */
export async function dropPointFor(page: Page, at: { x: number; y: number }): Promise<{ x: number; y: number }> {
  const { x, y, zoom } = await viewport(page);
  return { x: (at.x + 90) * zoom + x, y: (at.y + 30) * zoom + y };
}

/** The ids of the nodes on the canvas, in DOM order. */
export async function nodeIds(page: Page): Promise<string[]> {
  return canvasNodes(page).evaluateAll((elements) =>
    elements.map((element) => (element.getAttribute('data-testid') ?? '').replace(/^node-/, '')),
  );
}

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  await expect(locator).toBeVisible();
  const box = await locator.boundingBox();
  if (box === null) throw new Error('element has no bounding box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

export function outHandle(page: Page, nodeId: string, port: string): Locator {
  return page.getByTestId(`handle-${nodeId}-out-${port}`);
}

export function inHandle(page: Page, nodeId: string, port: string): Locator {
  return page.getByTestId(`handle-${nodeId}-in-${port}`);
}

/**
 * Starts dragging a connection from an output handle and moves onto an input handle, leaving the mouse
 * button down (so the canvas shows whether it would accept the edge). Call `page.mouse.up()` to drop.
 */
export async function dragConnection(page: Page, from: [string, string], to: [string, string]): Promise<void> {
  const target = inHandle(page, to[0], to[1]);
  const start = await centre(outHandle(page, from[0], from[1]));
  let end = await centre(target);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  // A few steps towards the target first, so React Flow sees a drag and not a click (and never towards
  // the canvas' edge, where it would start panning).
  const towards = (share: number) => ({
    x: start.x + (end.x - start.x) * share,
    y: start.y + (end.y - start.y) * share,
  });
  const near = towards(0.1);
  await page.mouse.move(near.x, near.y, { steps: 4 });
  const half = towards(0.5);
  await page.mouse.move(half.x, half.y, { steps: 8 });
  end = await centre(target);
  await page.mouse.move(end.x, end.y, { steps: 8 });
}

/** Connects an output port to an input port by dragging between their handles; expects the edge to appear. */
export async function connect(page: Page, from: [string, string], to: [string, string]): Promise<void> {
  const edges = await canvasEdges(page).count();
  await dragConnection(page, from, to);
  await page.mouse.up();
  await expect(canvasEdges(page), `edge ${from.join('.')} → ${to.join('.')}`).toHaveCount(edges + 1);
}

/** Drags a node by its header by (dx, dy) screen pixels. */
export async function moveNode(page: Page, nodeId: string, by: { x: number; y: number }): Promise<void> {
  const header = node(page, nodeId).locator('.pipeline-node-header');
  const start = await centre(header);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + by.x / 4, start.y + by.y / 4, { steps: 4 });
  await page.mouse.move(start.x + by.x, start.y + by.y, { steps: 10 });
  await page.mouse.up();
}

/**
 * Waits until the canvas stops moving: the viewport's transform and every node's box read the same twice
 * in a row (fit-view and auto-layout animate for a few hundred milliseconds).
 */
export async function waitForCanvasToSettle(page: Page): Promise<void> {
  let last = '';
  await expect
    .poll(
      async () => {
        const now = await page.evaluate(() => {
          const viewport = document.querySelector('.react-flow__viewport');
          const transform = viewport === null ? '' : getComputedStyle(viewport).transform;
          const boxes = [...document.querySelectorAll('.react-flow__node')].map((element) => {
            const rect = element.getBoundingClientRect();
            return `${rect.x},${rect.y},${rect.width},${rect.height}`;
          });
          return `${transform}|${boxes.join(';')}`;
        });
        const same = now === last;
        last = now;
        return same;
      },
      { message: 'the canvas stops moving', intervals: [150] },
    )
    .toBe(true);
}

/**
 * Brings a node into view the way a user would, by dragging an empty part of the canvas, when any of it
 * lies outside the canvas: the canvas opens at a readable zoom, where a long pipeline shows its start only.
 */
export async function revealNode(page: Page, nodeId: string): Promise<void> {
  const canvas = await page.getByLabel('Pipeline canvas').boundingBox();
  const box = await node(page, nodeId).boundingBox();
  if (canvas === null || box === null) throw new Error(`no box for the canvas or node ${nodeId}`);
  const inside =
    box.x >= canvas.x &&
    box.y >= canvas.y &&
    box.x + box.width <= canvas.x + canvas.width &&
    box.y + box.height <= canvas.y + canvas.height;
  if (inside) return;
  const start = await emptyCanvasPoint(page);
  const from = { x: canvas.x + start.x, y: canvas.y + start.y };
  const by = {
    x: canvas.x + canvas.width / 2 - (box.x + box.width / 2),
    y: canvas.y + canvas.height / 2 - (box.y + box.height / 2),
  };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + by.x / 4, from.y + by.y / 4, { steps: 4 });
  await page.mouse.move(from.x + by.x, from.y + by.y, { steps: 10 });
  await page.mouse.up();
}

/**
 * Makes a node the selected one so that the inspector shows it: clicks the left end of its title bar
 * (away from the minimap in the canvas' bottom-right corner), unless the inspector shows it already.
 * A node outside the canvas is brought into view first.
 */
export async function selectNode(page: Page, nodeId: string): Promise<Locator> {
  const inspector = page.getByTestId('node-inspector');
  const shown = inspector.getByTestId('node-id');
  if ((await shown.count()) === 0 || (await shown.inputValue()) !== nodeId) {
    await revealNode(page, nodeId);
    await node(page, nodeId)
      .locator('.pipeline-node-header')
      .click({ position: { x: 8, y: 8 } });
  }
  await expect(inspector).toBeVisible();
  await expect(shown).toHaveValue(nodeId);
  return inspector;
}

/** Selects a node and types a parameter value into its inspector form. */
export async function setParam(page: Page, nodeId: string, name: string, value: string): Promise<void> {
  const inspector = await selectNode(page, nodeId);
  const input = inspector.getByTestId(`param-${name}`);
  await input.fill(value);
  await expect(input).toHaveValue(value);
}

/**
 * A point of the canvas (relative to its top-left corner) where nothing lies on the pane: no node, edge,
 * panel, legend or minimap. Scans a grid from the top-left, so it is the same point for the same screen.
 */
export async function emptyCanvasPoint(page: Page): Promise<{ x: number; y: number }> {
  const point = await pane(page).evaluate((element) => {
    const rect = element.getBoundingClientRect();
    for (let y = 24; y < rect.height - 24; y += 24) {
      for (let x = 24; x < rect.width - 24; x += 24) {
        if (document.elementFromPoint(rect.left + x, rect.top + y) === element) return { x, y };
      }
    }
    return undefined;
  });
  if (point === undefined) throw new Error('no empty spot on the canvas');
  return point;
}

/** Clicks an empty part of the canvas: clears the selection and takes focus out of the inspector's inputs. */
export async function clickEmptyCanvas(page: Page): Promise<void> {
  await pane(page).click({ position: await emptyCanvasPoint(page), timeout: 10_000 });
}

/** The text of the newest toast of a tone (without its dismiss button). */
export function toast(page: Page, tone: 'info' | 'success' | 'error'): Locator {
  return page.getByTestId(`toast-${tone}`).last().locator('span').first();
}

export async function runCommand(page: Page, menu: string, command: string): Promise<void> {
  await page.getByTestId(`menu-${menu}`).click();
  await page.getByTestId(`command-${command}`).click();
}

export interface Exported {
  fileName: string;
  bytes: Buffer;
  text: string;
}

/** File → Export JSON; returns the downloaded file. */
export async function exportJson(page: Page): Promise<Exported> {
  const downloading = page.waitForEvent('download');
  await runCommand(page, 'file', 'file.export');
  const download = await downloading;
  const path = await download.path();
  const bytes = await readFile(path);
  return { fileName: download.suggestedFilename(), bytes, text: bytes.toString('utf8') };
}

/** Imports a `.loom.json` through the hidden file input (what File → Import opens). */
export async function importDocument(
  page: Page,
  file: string | { name: string; text: string },
  expectedNodes?: number,
): Promise<void> {
  const input = page.getByTestId('import-file-input');
  if (typeof file === 'string') await input.setInputFiles(file);
  else await input.setInputFiles({ name: file.name, mimeType: 'application/json', buffer: Buffer.from(file.text) });
  const name = typeof file === 'string' ? file.split('/').pop() : file.name;
  await expect(toast(page, 'success')).toHaveText(`Imported ${name}`);
  if (expectedNodes !== undefined) await expect(canvasNodes(page)).toHaveCount(expectedNodes);
}

/** `loom format --check <file>`: whether a file is already in canonical form (exit 0) and what it said. */
export async function formatCheck(file: string): Promise<{ canonical: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [LOOM_BIN, 'format', '--check', file], { cwd: REPO_ROOT });
    return { canonical: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { canonical: false, output: `exit ${failed.code}: ${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** The repository's canonical serialisation of a document's text, by `loom format` (the CLI's serializeDocument). */
export async function canonicalText(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-e2e-format-'));
  try {
    const file = join(dir, 'document.loom.json');
    await writeFile(file, text);
    await run(process.execPath, [LOOM_BIN, 'format', file], { cwd: REPO_ROOT });
    return await readFile(file, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Opens the run dialog, accepts its parameter defaults (and the name offered for a new pipeline) and starts the run; resolves to the run id from the URL. */
export async function startRun(page: Page, options: { parameters?: Record<string, string> } = {}): Promise<string> {
  await page.getByTestId('run-button').click();
  const dialog = page.getByTestId('run-dialog');
  await explained(page, () => expect(dialog, 'the run dialog opens').toBeVisible());
  for (const [name, value] of Object.entries(options.parameters ?? {})) {
    await dialog.getByTestId(`run-param-${name}`).fill(value);
  }
  await dialog.getByTestId('run-submit').click();
  await expect(dialog).toBeHidden();
  // A pipeline never saved under a name of its own is named first: take the name offered.
  const naming = page.getByTestId('name-dialog');
  await expect(naming.or(page.getByTestId('run-status')).first()).toBeVisible();
  if (await naming.isVisible()) {
    await naming.getByTestId('name-submit').click();
    await expect(naming).toBeHidden();
  }
  await expect(page.getByTestId('run-status')).toBeVisible();
  await expect(page).toHaveURL(/#\/pipelines\/[^/]+\/runs\/[^/]+$/);
  return runIdFromUrl(page);
}

export function runIdFromUrl(page: Page): string {
  const match = /#\/pipelines\/([^/]+)\/runs\/([^/]+)$/.exec(page.url());
  if (match === null) throw new Error(`no run in the address ${page.url()}`);
  return match[2] as string;
}

export function getRun(loom: LoomServer, runId: string): Promise<ApiRun> {
  return loom.api<ApiRun>(`/api/runs/${encodeURIComponent(runId)}`);
}

/** The `data-status` of every node on the canvas, by node id. */
export async function canvasStatuses(page: Page): Promise<Record<string, string>> {
  const pairs = await canvasNodes(page).evaluateAll((elements) =>
    elements.map((element) => [
      (element.getAttribute('data-testid') ?? '').replace(/^node-/, ''),
      element.getAttribute('data-status') ?? '',
    ]),
  );
  return Object.fromEntries(pairs);
}

/** Expects the canvas to show each step in the state `GET /api/runs/:id` has, and the run's status. */
export async function expectCanvasMatchesServer(page: Page, loom: LoomServer, runId: string): Promise<void> {
  const run = await getRun(loom, runId);
  expect(await canvasStatuses(page), 'the canvas shows the states GET /api/runs/:id has').toEqual(
    Object.fromEntries(run.steps.map((step) => [step.id, step.status])),
  );
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', run.status);
}

/** Waits until every listed node shows `status` on the canvas. */
export async function expectStatuses(
  page: Page,
  ids: readonly string[],
  status: string,
  timeout = 30_000,
): Promise<void> {
  for (const id of ids) await expect(node(page, id), `node ${id}`).toHaveAttribute('data-status', status, { timeout });
}

/**
 * In Models and endpoints, rolls `alias` of `model` back from `from` to `to` with its button, accepting
 * the question it asks; expects the question and the notice to name both versions.
 */
export async function rollBackConfirmed(
  page: Page,
  dialog: Locator,
  { model, alias, from, to }: { model: string; alias: string; from: number; to: number },
): Promise<void> {
  const rollback = dialog.getByTestId(`rollback-${alias}`);
  await expect(rollback).toHaveText(`↶ Roll back to v${to}`);
  const asked: string[] = [];
  page.once('dialog', (question) => {
    asked.push(question.message());
    void question.accept();
  });
  await rollback.click();
  await expect(dialog.getByTestId('endpoints-notice')).toHaveText(
    `Rolled ${alias} of ${model} back from v${from} to v${to}`,
  );
  expect(asked).toEqual([`Roll ${alias} of ${model} back from v${from} to v${to}?`]);
}
