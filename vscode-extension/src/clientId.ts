/** The language client's id and name (no `vscode` import: the tests check the server against them). */

/** The id: also the settings section, and the name of the client's push DiagnosticCollection. */
export const CLIENT_ID = "witx";
/**
 * The client's name, which vscode-languageclient puts into its own messages: "The witx server
 * crashed 5 times…", "witx client: couldn't create connection to server" (11.0.0 lib/common/client.js).
 */
export const CLIENT_NAME = "witx";
