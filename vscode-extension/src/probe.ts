/** Running the interpreter probe (launch.ts PYTHON_PROBE) in a child process. */
import { spawn } from "node:child_process";
import type { ProbeRunner } from "./launch";

export const runProbe: ProbeRunner = (command, args, env) => new Promise((resolve) => {
  let stdout = "";
  let stderr = "";
  let settled = false;
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
  const timer = setTimeout(() => { child.kill(); }, 15_000);
  child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  child.on("error", (e: NodeJS.ErrnoException) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    resolve({ errorCode: e.code ?? "EUNKNOWN", exitCode: null, stdout, stderr });
  });
  child.on("close", (code) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    resolve({ exitCode: code, stdout, stderr });
  });
});
