/** Starting, stopping and restarting the language client and the server process. */
import * as fs from "node:fs";
import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions, RevealOutputChannelOn, type ServerOptions, State } from "vscode-languageclient/node";
import {
  bundledLibs, checkPython, describeLaunch, pythonProblemMessage, resolveLaunch, serverEnvironment, type ServerLaunch, SERVER_MODULE,
} from "./launch";
import { CLIENT_ID, CLIENT_NAME } from "./clientId";
import { runProbe } from "./probe";
import { activeInterpreter } from "./pythonExtension";
import { readLaunchSettings, serverSettings } from "./settings";
import { pullsOnly, WorkspaceCheck } from "./workspaceCheck";

export { CLIENT_ID, CLIENT_NAME };

export class ServerManager implements vscode.Disposable {
  private client: LanguageClient | undefined;
  /** Where the interpreter of the last start came from. */
  lastSource: ServerLaunch["source"] | undefined;
  private starting: Promise<void> | undefined;
  readonly check = new WorkspaceCheck(() => pullsOnly(this.client?.initializeResult?.capabilities, CLIENT_ID));
  readonly onDidStart = new vscode.EventEmitter<void>();
  /**
   * What to do when VS Code runs one of the server's commands (a code lens, say): show its result
   * instead of dropping it. The handlers call the server themselves.
   */
  readonly commandHandlers = new Map<string, (args: unknown[]) => Promise<unknown>>();

  constructor(private readonly context: vscode.ExtensionContext, readonly output: vscode.LogOutputChannel) {}

  get current(): LanguageClient | undefined {
    return this.client;
  }

  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => { this.starting = undefined; });
    return this.starting;
  }

  async restart(): Promise<void> {
    await this.starting;
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.check.reset();
    if (client) {
      try {
        await client.dispose(5000);
      } catch (e) {
        this.output.warn(`stopping the server: ${String(e)}`);
      }
    }
  }

  private async doStart(): Promise<void> {
    const launch = await resolveLaunch({
      settings: readLaunchSettings(),
      extensionPath: this.context.extensionPath,
      pythonFromExtension: () => activeInterpreter(),
    });
    const env = serverEnvironment(launch, process.env);
    this.lastSource = launch.source;
    if (launch.bundled) {
      if (!fs.existsSync(`${bundledLibs(this.context.extensionPath)}/${SERVER_MODULE}`)) {
        this.fail(`witx: the bundled server is missing from ${bundledLibs(this.context.extensionPath)} (run \`npm run bundle-server\`), ` +
          "or set `witx.server.path`.");
        return;
      }
      const check = await checkPython(launch.command, runProbe, env);
      if (!check.ok) {
        this.output.error(check.detail);
        this.fail(pythonProblemMessage(check, launch.command, launch.source));
        return;
      }
      this.output.info(`Python ${check.version.join(".")} at ${check.executable}`);
    }
    this.output.info(`starting: ${describeLaunch(launch)}`);
    const client = this.createClient(launch, env);
    this.client = client;
    try {
      await client.start();
      const info = client.initializeResult?.serverInfo;
      this.output.info(`started ${info?.name ?? "server"} ${info?.version ?? ""}`.trim());
      this.onDidStart.fire();
    } catch (e) {
      this.client = undefined;
      this.fail(`witx: the language server did not start: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private createClient(launch: ServerLaunch, env: Record<string, string>): LanguageClient {
    const serverOptions: ServerOptions = {
      command: launch.command,
      // No `transport`: stdio, without the `--stdio` that TransportKind.stdio would append (the
      // launch already holds it once: launch.ts withStdio / SERVER_ARGS).
      args: launch.args,
      options: { env, cwd: launch.cwd ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "witx" },
        { scheme: "untitled", language: "witx" },
      ],
      synchronize: {
        configurationSection: "witx",
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.witx"),
      },
      initializationOptions: serverSettings(),
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // Pull on open (always) and on every change, when the server serves this client by pull (the
      // middleware keeps an older server that also pushes on its push results).
      diagnosticPullOptions: { onChange: true, onSave: false, onTabs: false, onFocus: false },
      middleware: {
        ...this.check.middleware,
        executeCommand: (command, args: unknown[], next) => {
          const handler = this.commandHandlers.get(command);
          if (handler) return handler(args);
          const result: unknown = next(command, args);
          return result;
        },
      },
      initializationFailedHandler: (error) => {
        this.output.error(`initialization failed: ${String(error)}`);
        return false;
      },
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped && this.client === client) this.output.warn("the server stopped");
    });
    return client;
  }

  /**
   * Logs the failure and shows it in a toast. The toast is not awaited: a start (and so a restart,
   * or the activation) must end when the server failed, not when the user dismisses the message.
   */
  private fail(message: string): void {
    this.output.error(message);
    void vscode.window.showErrorMessage(message, "Show logs", "Open settings").then(async (choice) => {
      if (choice === "Show logs") this.output.show(true);
      else if (choice === "Open settings") await vscode.commands.executeCommand("workbench.action.openSettings", "witx.server");
    });
  }

  dispose(): void {
    void this.stop();
    this.onDidStart.dispose();
  }
}
