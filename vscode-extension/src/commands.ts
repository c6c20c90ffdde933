/** The commands this extension contributes (package.json `contributes.commands`). */
export const CLIENT_COMMANDS = {
  restartServer: "witx.restartServer",
  showServerLogs: "witx.showServerLogs",
  openHostSignatures: "witx.openHostSignatures",
  openMemoryLayout: "witx.openMemoryLayout",
  openRenderedDocs: "witx.openRenderedDocs",
  openSyntaxTree: "witx.openSyntaxTree",
  openWit: "witx.openWit",
  checkWorkspace: "witx.checkWorkspace",
} as const;
