import { test as base, expect, type Page, type TestInfo } from "@playwright/test";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve("axe-core/axe.min.js");
export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "test-results", "screenshots");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Run axe-core (WCAG 2.x A/AA + best practices) in the page; returns the violations. */
export async function runAxe(page: Page, options: { exclude?: string[] } = {}): Promise<AxeViolation[]> {
  const hasAxe = await page.evaluate(() => "axe" in window);
  // Evaluated through the browser's devtools channel rather than added as a <script>: the gateway's
  // Content-Security-Policy (script-src 'self') rightly refuses inline scripts.
  if (!hasAxe) await page.evaluate(readFileSync(AXE_PATH, "utf8"));
  return page.evaluate(async ({ exclude }) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(
      { include: [document], exclude: exclude.map((s) => [s]) },
      { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } },
    );
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  }, { exclude: options.exclude ?? [] });
}

export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`)
    .join("\n");
}

/** Wait until no finite CSS animation or transition is running (a colour mid-transition is not the real one). */
export async function settleAnimations(page: Page) {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity))
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
}

export async function expectNoA11yViolations(page: Page, options?: { exclude?: string[] }) {
  await settleAnimations(page);
  const violations = await runAxe(page, options);
  expect(violations, formatViolations(violations)).toEqual([]);
}

/** Full-page PNG in test-results/screenshots/<name>.png, also attached to the report. */
export async function saveScreenshot(page: Page, name: string, testInfo?: TestInfo): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  if (testInfo) await testInfo.attach(name, { path, contentType: "image/png" });
  return path;
}

export const test = base;
export { expect };
