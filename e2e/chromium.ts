// How Loom starts a browser, for the end-to-end tests (playwright.config.ts) and the canvas bench
// (bench/canvas.ts, through `@loom/e2e/chromium`): one place for the binary and its flags.

/** Debian's Chromium (`apt-get install chromium`); the only browser Loom's tests and benches use. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Playwright's launch options for {@link CHROMIUM}: no sandbox (containers), software rendering
 * (`--disable-gpu`: no GPU on these machines), and none of Chromium's own background traffic.
 *
 * @example const browser = await chromium.launch(CHROMIUM_LAUNCH_OPTIONS);
 */
export const CHROMIUM_LAUNCH_OPTIONS: { executablePath: string; args: string[] } = {
  executablePath: CHROMIUM,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
