// Time to interactive of the built web app's first page (sign-in), against a bare page from the same server.
// Usage: node bench/webapp_tti.mjs <base-url> <runs>  -> {"app_ms": [...], "bare_ms": [...]}
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "frontend", "package.json"));
const { chromium } = require("playwright-core");

const [base, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 5);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function measure(url, selector) {
  const context = await browser.newContext(); // cold cache every run
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "commit" });
  // interactive = the username field is rendered, visible and enabled (the app has hydrated and can take input)
  await page.waitForSelector(selector, { state: "visible" });
  await page.waitForFunction((sel) => { const el = document.querySelector(sel); return el && !el.disabled; }, selector);
  const ms = await page.evaluate(() => performance.now());
  await context.close();
  return ms;
}

const app = [];
const bare = [];
for (let i = 0; i < runs; i++) {
  app.push(await measure(`${base}/sign-in`, "input[autocomplete='username'], input[name='username']"));
  bare.push(await measure(`${base}/__bench_bare.html`, "input[name='username']"));
}
await browser.close();
console.log(JSON.stringify({ app_ms: app, bare_ms: bare }));
