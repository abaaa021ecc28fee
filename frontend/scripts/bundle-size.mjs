#!/usr/bin/env node
// Gzip size of the JavaScript the first page load fetches: the entry
// <script type="module" src> plus every <link rel="modulepreload"> in
// dist/index.html. Lazy route chunks are not counted.
//
//   node scripts/bundle-size.mjs                 -> {"first_load_js_gzip_bytes": N}
//   node scripts/bundle-size.mjs --verbose       -> also a per-file breakdown on stderr
//   node scripts/bundle-size.mjs --max 256000    -> exit 1 when over the budget
import { readFileSync, existsSync } from "node:fs";
import { gzipSync, constants } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const maxIdx = args.indexOf("--max");
const max = maxIdx >= 0 ? Number(args[maxIdx + 1]) : null;
const distIdx = args.indexOf("--dist");
const dist = resolve(
  distIdx >= 0 ? args[distIdx + 1] : join(dirname(fileURLToPath(import.meta.url)), "..", "dist"),
);

const indexPath = join(dist, "index.html");
if (!existsSync(indexPath)) {
  console.error(`bundle-size: ${indexPath} not found; run \`npm run build\` first`);
  process.exit(2);
}
const html = readFileSync(indexPath, "utf8");

const attr = (tag, name) => tag.match(new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, "i"))?.[1];
const files = new Set();
for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
  const src = attr(tag, "src");
  if (src && /\btype\s*=\s*["']module["']/i.test(tag)) files.add(src);
}
for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
  const rel = attr(tag, "rel");
  const href = attr(tag, "href");
  if (href && rel && rel.split(/\s+/).includes("modulepreload")) files.add(href);
}

let total = 0;
const breakdown = [];
for (const url of files) {
  if (/^[a-z]+:\/\//i.test(url)) continue; // external: not ours to measure
  const path = join(dist, url.replace(/^\//, "").split(/[?#]/)[0]);
  const bytes = gzipSync(readFileSync(path), { level: constants.Z_BEST_COMPRESSION }).length;
  total += bytes;
  breakdown.push({ file: url, gzip_bytes: bytes });
}

if (verbose) console.error(JSON.stringify(breakdown, null, 2));
console.log(JSON.stringify({ first_load_js_gzip_bytes: total }));
if (max !== null && Number.isFinite(max) && total > max) {
  console.error(`bundle-size: ${total} B gzip is over the ${max} B budget`);
  process.exit(1);
}
