import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const FRONTEND = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const REPO = resolve(FRONTEND, "..");
export const PYTHON = resolve(FRONTEND, "../.venv/bin/python");
const BANNER = "NearPeer is running.";

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

export interface RunningStack {
  process: ChildProcess;
  baseURL: string;
  dataDir: string;
  passwords: Record<string, string>;
}

/** `python scripts/devstack.py --data-dir <tmp> --port <free>` from the repo root; resolves once the banner is printed. */
export async function startStack(timeoutMs = 150_000): Promise<RunningStack> {
  if (!existsSync(PYTHON)) throw new Error(`No Python venv at ${PYTHON}: run \`make install\` (or \`make test\`) first`);
  if (!existsSync(join(FRONTEND, "dist", "index.html"))) throw new Error("No dist/: run `npm run build` first");
  const dataDir = mkdtempSync(join(tmpdir(), "np-e2e-"));
  const port = await freePort();
  const child = spawn(PYTHON, [join(REPO, "scripts", "devstack.py"), "--data-dir", dataDir, "--port", String(port)], {
    cwd: REPO,
    env: { ...process.env, PYTHONPATH: resolve(FRONTEND, "../scripts"), PYTHONUNBUFFERED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`stack not up after ${timeoutMs} ms:\n${output.slice(-3000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(BANNER)) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`devstack exited with ${code} before it was ready:\n${output.slice(-3000)}`));
    });
  });
  // Keep draining the pipes so the launcher never blocks on a full buffer.
  child.stdout!.resume();
  child.stderr!.resume();
  const secrets = JSON.parse(readFileSync(join(dataDir, "secrets.json"), "utf8")) as { passwords: Record<string, string> };
  return { process: child, baseURL: `http://127.0.0.1:${port}`, dataDir, passwords: secrets.passwords };
}

/** SIGINT (the launcher stops its services), then SIGKILL if it lingers. */
export async function stopStack(pid: number, graceMs = 20_000): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive()) process.kill(pid, "SIGKILL");
}
