import { rmSync } from "node:fs";
import { stopStack } from "./stack";

export default async function globalTeardown() {
  const pid = Number(process.env.NP_STACK_PID);
  if (pid) await stopStack(pid);
  const dir = process.env.NP_DATA_DIR;
  if (dir && !process.env.NP_KEEP_DATA) rmSync(dir, { recursive: true, force: true });
}
