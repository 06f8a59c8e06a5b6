// The harness itself: the built designer is served at `/` and the API answers, from a real server.
import { expect, test } from '../fixtures.ts';

test('the designer page loads from the server', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle(/Loom/);
});

test('the API lists the built-in node types', async ({ loom }) => {
  const catalog = await loom.api<{ nodes: Array<{ type: string }> }>('/api/nodes');
  expect(catalog.nodes.length).toBeGreaterThan(0);
  expect(catalog.nodes.map((node) => node.type)).toContain('train.logistic_regression');
});
