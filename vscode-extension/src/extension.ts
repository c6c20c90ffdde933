/** The witx extension: the language client, and the commands that show what the server computes. */
import * as vscode from "vscode";
import { LayoutPanel } from "./layoutPanel";
import { onInterpreterChange } from "./pythonExtension";
import { ServerManager } from "./server";
import { affectsLaunch } from "./settings";
import { SCHEME, toDiagnostic, type ViewKind, ViewProvider, viewUri } from "./virtualDocs";
import { summaryText } from "./workspaceCheck";
import { CLIENT_COMMANDS } from "./commands";
import { COMMANDS } from "./serverCommands";

let manager: ServerManager | undefined;

function witxEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor && (editor.document.languageId === "witx" || editor.document.fileName.endsWith(".witx"))) return editor;
  void vscode.window.showInformationMessage("witx: open a .witx file first.");
  return undefined;
}

async function openView(kind: ViewKind, source?: vscode.Uri): Promise<void> {
  if (source === undefined) {
    const editor = witxEditor();
    if (!editor) return;
    source = editor.document.uri;
  }
  const uri = viewUri(kind, source);
  const doc = await vscode.workspace.openTextDocument(uri);
  if (kind === "docs") {
    try {
      await vscode.commands.executeCommand("markdown.showPreviewToSide", uri);
      return;
    } catch {
      // no Markdown preview (the built-in extension disabled): show the Markdown source
    }
  }
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("witx", { log: true });
  const servers = new ServerManager(context, output);
  manager = servers;
  // The notes of witx -> WIT conversions, apart from the server's diagnostics (they describe the WIT).
  const witNotes = vscode.languages.createDiagnosticCollection("witx-wit");
  const views = new ViewProvider(() => servers.current, undefined, (source, diags) => witNotes.set(source, diags.map(toDiagnostic)));
  context.subscriptions.push(
    output, servers, views, witNotes,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, views),
    servers.onDidStart.event(() => { views.refreshAll(); LayoutPanel.refresh(); }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.restartServer, async () => {
      output.info("restarting the server");
      await servers.restart();
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.showServerLogs, () => output.show(true)),
    vscode.commands.registerCommand(CLIENT_COMMANDS.openHostSignatures, () => openView("host-signatures")),
    vscode.commands.registerCommand(CLIENT_COMMANDS.openRenderedDocs, () => openView("docs")),
    vscode.commands.registerCommand(CLIENT_COMMANDS.openSyntaxTree, () => openView("syntax-tree")),
    vscode.commands.registerCommand(CLIENT_COMMANDS.openWit, () => openView("wit")),
    vscode.commands.registerCommand(CLIENT_COMMANDS.openMemoryLayout, async () => {
      const editor = witxEditor();
      if (editor) await LayoutPanel.show(editor, () => servers.current);
    }),
    vscode.commands.registerCommand(CLIENT_COMMANDS.checkWorkspace, async () => {
      if (!servers.current?.isRunning()) {
        void vscode.window.showErrorMessage("witx: the language server is not running.", "Show logs")
          .then((c) => c && output.show(true));
        return;
      }
      const summary = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: "witx: checking the workspace" },
        () => servers.check.run());
      if (summary === undefined) {
        void vscode.window.showWarningMessage("witx: this server does not offer workspace diagnostics; open files are still checked.");
        return;
      }
      const choice = await vscode.window.showInformationMessage(summaryText(summary), "Show Problems");
      if (choice) await vscode.commands.executeCommand("workbench.actions.view.problems");
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!affectsLaunch(e)) return;
      const choice = await vscode.window.showInformationMessage("witx: the server settings changed.", "Restart server");
      if (choice) await servers.restart();
    }),
  );
  // The server's own commands, run from its code lenses: show their results.
  const sourceArg = (args: unknown[]): vscode.Uri | undefined => {
    const first = args[0] as { uri?: unknown } | string | undefined;
    const uri = typeof first === "string" ? first : typeof first?.uri === "string" ? first.uri : undefined;
    return uri ? vscode.Uri.parse(uri) : undefined;
  };
  servers.commandHandlers.set(COMMANDS.showLayout, async (args) => {
    const source = sourceArg(args);
    if (source && typeof args[1] === "string") await LayoutPanel.showFor(source, args[1], () => servers.current);
    else await vscode.commands.executeCommand(CLIENT_COMMANDS.openMemoryLayout);
  });
  servers.commandHandlers.set(COMMANDS.previewHostSignatures, (args) => openView("host-signatures", sourceArg(args)));
  servers.commandHandlers.set(COMMANDS.renderDocs, (args) => openView("docs", sourceArg(args)));
  servers.commandHandlers.set(COMMANDS.showSyntaxTree, (args) => openView("syntax-tree", sourceArg(args)));
  servers.commandHandlers.set(COMMANDS.showWit, (args) => openView("wit", sourceArg(args)));

  const interpreterWatch = await onInterpreterChange(() => {
    if (servers.lastSource !== "python-extension" && servers.lastSource !== "default") return;
    output.info("the Python extension's interpreter changed: restarting");
    void servers.restart();
  });
  if (interpreterWatch) context.subscriptions.push(interpreterWatch);
  await servers.start();
}

export async function deactivate(): Promise<void> {
  await manager?.stop();
  manager = undefined;
}
