import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./playwright.config";

/**
 * System tests: the REAL stack (gateway + matching + sessions + feedback on
 * SQLite) started by globalSetup with scripts/devstack.py on a free port and
 * a scratch data dir, serving the built SPA (run `npm run build` first).
 * The base URL is only known once the stack is up: fixtures read NP_BASE_URL.
 */
export default defineConfig({
  testDir: "e2e/system",
  outputDir: "test-results/playwright-system",
  globalSetup: "./e2e/system/global-setup.ts",
  globalTeardown: "./e2e/system/global-teardown.ts",
  fullyParallel: true,
  workers: 3,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { outputFolder: "playwright-report-system", open: "never" }]],
  use: {
    ...devices["Desktop Chrome"],
    browserName: "chromium",
    channel: undefined,
    headless: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    locale: "en-GB",
    // Transitions finish at once, so axe never measures a colour halfway through one.
    reducedMotion: "reduce",
    timezoneId: "Europe/Paris",
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [{ name: "system" }],
});
