import { existsSync } from "node:fs";
import * as path from "node:path";

/** vscode-extension/ (every test file is bundled to out/test/<dir>/<name>.test.js). */
export const root = path.resolve(__dirname, "..", "..", "..");
export const repo = path.resolve(root, "..");
export const vsixPath = path.join(root, "witx-vscode.vsix");

/** The Python that runs the server in tests: $WITX_PYTHON, else the project's .venv, else python3. */
export function projectPython(): string {
  if (process.env.WITX_PYTHON) return process.env.WITX_PYTHON;
  const venv = path.join(repo, ".venv", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}
