#!/usr/bin/env node
// Fails when src/api/schema.d.ts is not what `npm run gen:api` would produce
// from openapi.json (i.e. someone changed the spec and forgot to regenerate,
// or edited the generated file by hand).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const committed = join(root, "src/api/schema.d.ts");
const tmp = mkdtempSync(join(tmpdir(), "nearpeer-api-"));
const fresh = join(tmp, "schema.d.ts");
const bin = join(root, "node_modules/.bin/openapi-typescript");

try {
  const run = spawnSync(bin, ["openapi.json", "-o", fresh], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    console.error("check:api: generation failed");
    process.exit(2);
  }
  const a = readFileSync(committed, "utf8");
  const b = readFileSync(fresh, "utf8");
  if (a !== b) {
    const al = a.split("\n");
    const bl = b.split("\n");
    const i = al.findIndex((line, n) => line !== bl[n]);
    const at = i === -1 ? Math.min(al.length, bl.length) : i;
    console.error(`check:api: src/api/schema.d.ts is stale (first difference at line ${at + 1}).`);
    console.error(`  committed: ${JSON.stringify(al[at] ?? "<end of file>")}`);
    console.error(`  generated: ${JSON.stringify(bl[at] ?? "<end of file>")}`);
    console.error("Run `npm run gen:api` and commit the result.");
    process.exit(1);
  }
  console.log("check:api: src/api/schema.d.ts is up to date with openapi.json");
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
