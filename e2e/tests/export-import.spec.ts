// Import and export keep a document byte for byte: what the designer writes is the repository's
// canonical serialisation (the one `loom format` writes), and a round trip changes nothing.
import { readFile, writeFile } from 'node:fs/promises';
import { expect, test } from '../fixtures.ts';
import {
  canonicalText,
  canvasEdges,
  canvasNodes,
  exportJson,
  formatCheck,
  importDocument,
  openDesigner,
  pageErrors,
} from './support/designer.ts';
import { IRIS_EXAMPLE } from './support/documents.ts';

test('the iris example is already in canonical form', async () => {
  const check = await formatCheck(IRIS_EXAMPLE);
  expect(check.canonical, `loom format --check ${IRIS_EXAMPLE}: ${check.output}`).toBe(true);
});

test('importing the iris example and exporting it gives the same bytes, twice over', async ({ page }, testInfo) => {
  const original = await readFile(IRIS_EXAMPLE);
  const document = JSON.parse(original.toString('utf8')) as { nodes: unknown[]; edges: unknown[] };

  await openDesigner(page);
  await importDocument(page, IRIS_EXAMPLE, document.nodes.length);
  await expect(canvasEdges(page)).toHaveCount(document.edges.length);
  await expect(page.getByTestId('document-title')).toContainText('iris-classification');

  const first = await exportJson(page);
  expect(first.fileName).toBe('iris-classification.loom.json');
  expect(first.text, 'the export is the example file, byte for byte').toBe(original.toString('utf8'));
  expect(first.bytes.equals(original)).toBe(true);
  // The canonical serialisation of the export (loom format's) is the export itself.
  expect(await canonicalText(first.text)).toBe(first.text);
  const exportedFile = testInfo.outputPath(first.fileName);
  await writeFile(exportedFile, first.bytes);
  const check = await formatCheck(exportedFile);
  expect(check.canonical, `loom format --check on the export: ${check.output}`).toBe(true);

  // Round trip: import what was exported, export again.
  await importDocument(page, exportedFile, document.nodes.length);
  await expect(canvasEdges(page)).toHaveCount(document.edges.length);
  const second = await exportJson(page);
  expect(second.fileName).toBe(first.fileName);
  expect(second.text, 'exporting a re-imported export changes nothing').toBe(first.text);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('a document in another layout is exported in canonical form', async ({ page }) => {
  // The iris example minified, keys in another order: the designer writes it the canonical way.
  const original = JSON.parse(await readFile(IRIS_EXAMPLE, 'utf8')) as Record<string, unknown>;
  const reordered = Object.fromEntries(Object.entries(original).reverse());
  const text = JSON.stringify(reordered);
  const expected = await canonicalText(text);
  expect(expected).toBe(await readFile(IRIS_EXAMPLE, 'utf8'));

  await openDesigner(page);
  await importDocument(page, { name: 'minified.loom.json', text }, 8);
  await expect(canvasNodes(page)).toHaveCount(8);
  const exported = await exportJson(page);
  expect(exported.text).toBe(expected);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
