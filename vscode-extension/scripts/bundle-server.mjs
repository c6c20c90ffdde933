// Runs scripts/bundle_server.py with the project's Python: $WITX_PYTHON, else ../.venv, else python3.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
export function projectPython() {
  if (process.env.WITX_PYTHON) return process.env.WITX_PYTHON;
  const venv = join(root, "..", ".venv", process.platform === "win32" ? "Scripts/python.exe" : "bin/python");
  return existsSync(venv) ? venv : process.platform === "win32" ? "python" : "python3";
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const res = spawnSync(projectPython(), [join(root, "scripts", "bundle_server.py"), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(res.status ?? 1);
}
