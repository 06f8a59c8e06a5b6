// Pipeline documents as the tests write and read them: small starting documents to import, with the
// ids the palette would give their nodes, and what File → Export JSON gives back.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Page } from '@playwright/test';
import { DATA_ROOTS, EXAMPLES } from '../../fixtures.ts';
import { exportJson, importDocument, openDesigner, waitForCanvasToSettle } from './designer.ts';

/** The iris example's document (8 nodes, the last deploys it), as a user would import it. */
export const IRIS_EXAMPLE = join(EXAMPLES, 'iris-classification', 'pipeline.loom.json');
/** The iris example's steps, in document order. */
export const IRIS_STEPS = ['iris', 'split', 'normalize', 'train', 'onnx', 'validate', 'importance', 'deploy'];

/** A node of a document (the fields these tests write or read). */
export interface DocumentNode {
  id: string;
  type: string;
  version: string;
  params?: Record<string, unknown>;
  ui?: { position?: { x: number; y: number }; label?: string };
}

export interface DocumentEdge {
  id?: string;
  from: { node: string; port: string };
  to: { node: string; port: string };
}

/** A pipeline document, as imported or exported. */
export interface PipelineJson {
  format: string;
  formatVersion: number;
  name: string;
  nodes: DocumentNode[];
  edges?: DocumentEdge[];
}

/** A format-1 document named `name`, imported as `<name>.loom.json`. */
export function startDocument(name: string, nodes: DocumentNode[], edges: DocumentEdge[] = []): PipelineJson {
  return { format: 'loom.pipeline', formatVersion: 1, name, nodes, edges };
}

/**
 * `csv` (iris.csv), `split` and `logistic_regression` (label `species`), 300 flow pixels apart along the
 * top row, unconnected: the start of a training pipeline. `split` gets `splitParams`.
 */
export function trainingRow(splitParams: Record<string, unknown> = {}): DocumentNode[] {
  return [
    { id: 'csv', type: 'data.csv', version: '1.0.0', params: { path: 'iris.csv' }, ui: { position: { x: 0, y: 0 } } },
    { id: 'split', type: 'transform.split', version: '1.0.0', params: splitParams, ui: { position: { x: 300, y: 0 } } },
    {
      id: 'logistic_regression',
      type: 'train.logistic_regression',
      version: '1.0.0',
      params: { label: 'species' },
      ui: { position: { x: 600, y: 0 } },
    },
  ];
}

/**
 * Opens the designer, imports `document` as `<name>.loom.json` (importing starts the undo history
 * afresh) and waits until all its nodes are on a canvas that has stopped moving.
 */
export async function openDocument(page: Page, document: PipelineJson): Promise<void> {
  await openDesigner(page);
  await importDocument(
    page,
    { name: `${document.name}.loom.json`, text: JSON.stringify(document) },
    document.nodes.length,
  );
  await waitForCanvasToSettle(page);
}

/** File → Export JSON, parsed. */
export async function exportedDocument(page: Page): Promise<PipelineJson> {
  return JSON.parse((await exportJson(page)).text) as PipelineJson;
}

/**
 * A folder for the files that `core.wait_for_file` steps wait on, and the server environment that makes
 * it one more data folder: `test.use({ loomEnv: waiting.env })`. Made once per spec file.
 */
export function waitFolder(name: string): {
  folder: string;
  env: { LOOM_DATA_ROOTS: string };
  flag(prefix: string): string;
} {
  const folder = join(tmpdir(), `loom-e2e-${name}`);
  mkdirSync(folder, { recursive: true });
  return {
    folder,
    env: { LOOM_DATA_ROOTS: [...DATA_ROOTS, folder].join(delimiter) },
    flag: (prefix) => join(folder, `${prefix}-${randomUUID()}.flag`),
  };
}

/**
 * The iris example plus one step that waits for `flag`: once the iris steps are done, its run stays
 * `running` until the file exists (or the run is cancelled). So a test acts mid-run for certain.
 */
export async function irisWaitingFor(
  flag: string,
  step: { id: string; position: { x: number; y: number }; label?: string },
): Promise<PipelineJson & { notes?: unknown[] }> {
  const document = JSON.parse(await readFile(IRIS_EXAMPLE, 'utf8')) as PipelineJson;
  const ui = step.label === undefined ? { position: step.position } : { position: step.position, label: step.label };
  document.nodes.push({
    id: step.id,
    type: 'core.wait_for_file',
    version: '1.0.0',
    params: { path: flag, poll_interval_ms: 100 },
    ui,
  });
  return document;
}
