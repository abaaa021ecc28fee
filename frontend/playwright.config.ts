import { defineConfig, devices } from "@playwright/test";

/**
 * E2E harness. Always drives Debian's Chromium (never a downloaded browser).
 *
 *  npm run e2e:smoke    this config: `vite preview` of dist/, API mocked with page.route()
 *  npm run e2e:system   playwright.system.config.ts: the real stack started by its globalSetup
 *  npm run e2e          both
 */
const previewPort = Number(process.env.PREVIEW_PORT ?? 4173);
const previewURL = `http://127.0.0.1:${previewPort}`;

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "e2e",
  // Screenshots go to test-results/screenshots/, outside this folder, which Playwright empties on each run.
  outputDir: "test-results/playwright",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: process.env.CI ? 2 : undefined,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  reporter: [["list"], ["html", { outputFolder: "playwright-report", open: "never" }]],
  use: {
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    locale: "en-GB",
    reducedMotion: "reduce",
    timezoneId: "Europe/Paris",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [{ name: "smoke", testDir: "e2e/smoke", use: { ...devices["Desktop Chrome"], ...launch(), baseURL: previewURL } }],
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${previewPort} --strictPort`,
    url: previewURL,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});

// devices[...] sets a channel/defaults; keep our Chromium binary and flags on top.
function launch() {
  return {
    browserName: "chromium" as const,
    channel: undefined,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  };
}
