// Playwright drives the real designer in Debian's Chromium against a real `loom start` per test file
// (see fixtures.ts). Never `npx playwright install`: it downloads a browser, which fails here.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH_OPTIONS } from './chromium.ts';

const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

export default defineConfig({
  testDir: './tests',
  outputDir: './.results',
  globalSetup: './global-setup.ts',
  // Two cores: one browser and one server at a time; files run one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: ci,
  retries: ci ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: './.report', open: 'never' }]],
  use: {
    // baseURL comes from the `loom` fixture: every file gets its own server on its own port.
    headless: true,
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: CHROMIUM_LAUNCH_OPTIONS,
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
