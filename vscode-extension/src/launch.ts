/**
 * How the language server is started (no `vscode` import: unit-tested as is, and used by the
 * end-to-end test to start the bundled server exactly as the extension does).
 *
 * 1. `witx.server.path`, a command array, when set: run as given (the user's own installation), with
 *    `--stdio` appended unless it is there already (`["witx-lsp"]` runs `witx-lsp --stdio`).
 * 2. Otherwise a Python interpreter: `witx.server.python`, else the Python extension's active
 *    environment (when that extension is installed), else `python3` (`python` on Windows). It runs
 *    the server bundled in the extension: `python -S -m witx_lsp serve --stdio` with
 *    `PYTHONPATH=<extension>/bundled/libs`, so no pip install is needed and no site-packages (a
 *    different pygls, say) can interfere.
 */
import * as path from "node:path";

export const MIN_PYTHON: readonly [number, number] = [3, 10];
export const SERVER_MODULE = "witx_lsp";
export const SERVER_ARGS: readonly string[] = ["serve", "--stdio"];
/**
 * The flag that asks a language server for stdio. The client starts the server without a
 * `transport` (server.ts), so vscode-languageclient appends nothing (with TransportKind.stdio it
 * appends `--stdio` itself: vscode-languageclient 11.0.0 lib/node/main.js): every launch holds it
 * exactly once.
 */
export const STDIO_FLAG = "--stdio";

/** `args` with `--stdio` at the end, unless it holds it already. */
export function withStdio(args: readonly string[]): string[] {
  return args.includes(STDIO_FLAG) ? [...args] : [...args, STDIO_FLAG];
}

export type LaunchSource = "witx.server.path" | "witx.server.python" | "python-extension" | "default";

export interface LaunchSettings {
  /** `witx.server.path`: a command and its arguments; empty for none. */
  serverPath: readonly string[];
  /** `witx.server.python`: an interpreter; empty for none. */
  python: string;
}

export interface ServerLaunch {
  command: string;
  args: string[];
  /** Variables to add to the environment of the server process. */
  env: Record<string, string>;
  /** Variables to remove from it. */
  unsetEnv: string[];
  /**
   * The working directory, when the launch needs one: the bundled server runs in bundled/libs, since
   * `python -m` puts the working directory first on sys.path (a workspace holding a `witx_lsp`
   * folder must not shadow the bundled package).
   */
  cwd?: string;
  source: LaunchSource;
  /** True when the server bundled in the extension runs (so the interpreter must be checked). */
  bundled: boolean;
}

export interface ResolveOptions {
  settings: LaunchSettings;
  extensionPath: string;
  platform?: NodeJS.Platform;
  /** The Python extension's active interpreter, or undefined (not installed, none selected, failure). */
  pythonFromExtension?: () => Promise<string | undefined>;
}

export function bundledLibs(extensionPath: string): string {
  return path.join(extensionPath, "bundled", "libs");
}

export function defaultPython(platform: NodeJS.Platform = process.platform): string {
  return platform === "win32" ? "python" : "python3";
}

/** The bundled server run by `python`. */
export function bundledServerLaunch(python: string, extensionPath: string, source: LaunchSource): ServerLaunch {
  return {
    command: python,
    args: ["-S", "-m", SERVER_MODULE, ...SERVER_ARGS],
    env: { PYTHONPATH: bundledLibs(extensionPath), PYTHONNOUSERSITE: "1", PYTHONIOENCODING: "utf-8", PYTHONUNBUFFERED: "1" },
    // PYTHONHOME or PYTHONSTARTUP from a shell could point the interpreter elsewhere.
    unsetEnv: ["PYTHONHOME", "PYTHONSTARTUP"],
    cwd: bundledLibs(extensionPath),
    source,
    bundled: true,
  };
}

export async function resolveLaunch(opts: ResolveOptions): Promise<ServerLaunch> {
  const serverPath = opts.settings.serverPath.filter((s) => typeof s === "string");
  if (serverPath.length > 0 && serverPath[0].trim() !== "") {
    return { command: serverPath[0], args: withStdio(serverPath.slice(1)), env: {}, unsetEnv: [], source: "witx.server.path", bundled: false };
  }
  const configured = opts.settings.python.trim();
  if (configured !== "") {
    return bundledServerLaunch(configured, opts.extensionPath, "witx.server.python");
  }
  if (opts.pythonFromExtension) {
    let fromExtension: string | undefined;
    try {
      fromExtension = await opts.pythonFromExtension();
    } catch {
      fromExtension = undefined;
    }
    if (fromExtension && fromExtension.trim() !== "") {
      return bundledServerLaunch(fromExtension, opts.extensionPath, "python-extension");
    }
  }
  return bundledServerLaunch(defaultPython(opts.platform), opts.extensionPath, "default");
}

/** The environment of the server process: the extension host's, plus and minus the launch's. */
export function serverEnvironment(launch: ServerLaunch, base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && !launch.unsetEnv.includes(k)) env[k] = v;
  }
  return { ...env, ...launch.env };
}

// --- checking the interpreter ------------------------------------------------------------------

/** Printed by the interpreter under test: its version and its path. */
export const PYTHON_PROBE =
  "import json, sys; print(json.dumps({'version': list(sys.version_info[:3]), 'executable': sys.executable}))";

export interface ProbeResult {
  /** The spawn error code (ENOENT: not found, EACCES: not executable), if it did not start. */
  errorCode?: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export type ProbeRunner = (command: string, args: string[], env: Record<string, string>) => Promise<ProbeResult>;

export type PythonCheck =
  | { ok: true; version: [number, number, number]; executable: string }
  | { ok: false; kind: "not-found" | "too-old" | "failed"; version?: [number, number, number]; detail: string };

export async function checkPython(python: string, run: ProbeRunner, env: Record<string, string> = {}): Promise<PythonCheck> {
  let res: ProbeResult;
  try {
    res = await run(python, ["-S", "-c", PYTHON_PROBE], env);
  } catch (e) {
    return { ok: false, kind: "failed", detail: String(e) };
  }
  if (res.errorCode === "ENOENT") return { ok: false, kind: "not-found", detail: `${python}: command not found` };
  if (res.errorCode !== undefined) return { ok: false, kind: "failed", detail: `${python}: ${res.errorCode}` };
  if (res.exitCode !== 0) {
    // Python 2 prints its version check differently, but fails on this probe only if something is badly wrong.
    return { ok: false, kind: "failed", detail: `${python} exited with ${res.exitCode}: ${res.stderr.trim()}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.stdout.trim().split("\n").pop() ?? "");
  } catch {
    return { ok: false, kind: "failed", detail: `${python} printed something unexpected: ${res.stdout.trim()}` };
  }
  const p = parsed as { version?: unknown; executable?: unknown };
  const v = p.version;
  if (!Array.isArray(v) || v.length < 2 || !v.every((n) => Number.isInteger(n))) {
    return { ok: false, kind: "failed", detail: `${python} printed something unexpected: ${res.stdout.trim()}` };
  }
  const version: [number, number, number] = [v[0] as number, v[1] as number, (v[2] as number | undefined) ?? 0];
  if (version[0] < MIN_PYTHON[0] || (version[0] === MIN_PYTHON[0] && version[1] < MIN_PYTHON[1])) {
    return { ok: false, kind: "too-old", version, detail: `${python} is Python ${version.join(".")}` };
  }
  return { ok: true, version, executable: typeof p.executable === "string" ? p.executable : python };
}

const SOURCE_HINT: Record<LaunchSource, string> = {
  "witx.server.path": "the `witx.server.path` setting",
  "witx.server.python": "the `witx.server.python` setting",
  "python-extension": "the interpreter selected in the Python extension",
  default: "the default interpreter",
};

/** The message shown when the interpreter cannot run the bundled server. */
export function pythonProblemMessage(check: Exclude<PythonCheck, { ok: true }>, python: string, source: LaunchSource): string {
  const need = `Python ${MIN_PYTHON.join(".")} or newer`;
  const where = SOURCE_HINT[source];
  switch (check.kind) {
    case "not-found":
      return `witx: cannot start the language server: Python was not found (\`${python}\`, ${where}). ` +
        `Install ${need}, or set \`witx.server.python\` to its path.`;
    case "too-old":
      return `witx: cannot start the language server: \`${python}\` (${where}) is Python ${check.version?.join(".")}; ` +
        `the server needs ${need}. Set \`witx.server.python\` to a newer interpreter.`;
    default:
      return `witx: cannot start the language server: \`${python}\` (${where}) did not run: ${check.detail}`;
  }
}

/** A one-line description of a launch, for the output channel. */
export function describeLaunch(launch: ServerLaunch): string {
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : JSON.stringify(s));
  const env = Object.entries(launch.env).filter(([k]) => k === "PYTHONPATH").map(([k, v]) => `${k}=${quote(v)} `).join("");
  return `${env}${[launch.command, ...launch.args].map(quote).join(" ")} (from ${SOURCE_HINT[launch.source]})`;
}
