/** Starting the bundled server from an unpacked .vsix, exactly as the extension does, and talking LSP to it. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-languageserver-protocol/node";
import { checkPython, resolveLaunch, serverEnvironment, type ServerLaunch } from "../../src/launch";
import { runProbe } from "../../src/probe";
import { projectPython, vsixPath } from "./paths";
import { readEntry, readZip } from "./zip";

/** Unpacks the .vsix's `extension/` folder; returns its path (the extension's installation folder). */
export function unpackVsix(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "witx-vsix-"));
  const { buf, entries } = readZip(vsixPath);
  for (const e of entries) {
    if (!e.name.startsWith("extension/") || e.name.endsWith("/")) continue;
    const target = path.join(dir, e.name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, readEntry(buf, e));
  }
  return path.join(dir, "extension");
}

export interface Server { launch: ServerLaunch; proc: ChildProcessWithoutNullStreams; connection: MessageConnection; stderr: () => string }

/** The launch the extension would make with `witx.server.python` set to the project's Python. */
export async function bundledLaunch(extensionPath: string): Promise<{ launch: ServerLaunch; env: Record<string, string> }> {
  const launch = await resolveLaunch({ settings: { serverPath: [], python: projectPython() }, extensionPath });
  const env = serverEnvironment(launch, process.env);
  const check = await checkPython(launch.command, runProbe, env);
  if (!check.ok) throw new Error(check.detail);
  return { launch, env };
}

export async function startServer(extensionPath: string): Promise<Server> {
  const { launch, env } = await bundledLaunch(extensionPath);
  const proc = spawn(launch.command, launch.args, { env, cwd: launch.cwd, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  const connection = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  connection.listen();
  return { launch, proc, connection, stderr: () => stderr };
}

export async function stopServer(s: Server): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => s.proc.on("exit", (code) => resolve(code)));
  try {
    await s.connection.sendRequest("shutdown");
    await s.connection.sendNotification("exit");
  } catch {
    s.proc.kill();
  }
  const timer = setTimeout(() => s.proc.kill(), 10_000);
  const code = await exited;
  clearTimeout(timer);
  s.connection.dispose();
  return code;
}

/** Resolves with the first notification `method` whose params satisfy `accept`. */
export function waitFor<T>(connection: MessageConnection, method: string, accept: (p: T) => boolean, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`no ${method} in ${timeoutMs} ms`)); }, timeoutMs);
    const sub = connection.onNotification(method, (p: T) => {
      if (!accept(p)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(p);
    });
  });
}
