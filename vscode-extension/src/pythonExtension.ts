/**
 * The interpreter selected in the Python extension (ms-python.python), when it is installed. It is
 * never a dependency of this extension: without it, nothing here does anything.
 */
import * as vscode from "vscode";

export const PYTHON_EXTENSION_ID = "ms-python.python";

/** The part of the Python extension's API used here (its `environments` API, 2023 and later). */
interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string; id?: string } | undefined;
    resolveEnvironment(env: { path: string; id?: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

async function api(): Promise<PythonApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION_ID);
  if (ext === undefined) return undefined;
  return ext.isActive ? ext.exports : await ext.activate();
}

export async function activeInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  const environments = (await api())?.environments;
  if (!environments) return undefined;
  const active = environments.getActiveEnvironmentPath(resource);
  if (!active) return undefined;
  const resolved = await environments.resolveEnvironment(active);
  return resolved?.executable?.uri?.fsPath;
}

/** Calls `listener` when the selected interpreter changes (nothing without the Python extension). */
export async function onInterpreterChange(listener: () => void): Promise<vscode.Disposable | undefined> {
  try {
    const event = (await api())?.environments?.onDidChangeActiveEnvironmentPath;
    return event ? event(() => listener()) : undefined;
  } catch {
    return undefined;
  }
}
