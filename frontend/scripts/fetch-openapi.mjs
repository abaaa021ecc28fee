#!/usr/bin/env node
// Copy the gateway's combined OpenAPI spec into frontend/openapi.json
// (stable, pretty-printed), ready for `npm run gen:api`.
//   API_URL=http://127.0.0.1:8000 npm run fetch:api
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const base = process.env.API_URL ?? "http://127.0.0.1:8000";
const url = new URL("/api/openapi.json", base);
const out = join(dirname(fileURLToPath(import.meta.url)), "..", "openapi.json");

const res = await fetch(url);
if (!res.ok) {
  console.error(`fetch:api: GET ${url} -> ${res.status}`);
  process.exit(1);
}
const spec = await res.json();
writeFileSync(out, JSON.stringify(spec, null, 2) + "\n");
console.log(`fetch:api: wrote ${out} (${Object.keys(spec.paths ?? {}).length} paths). Now run \`npm run gen:api\`.`);
