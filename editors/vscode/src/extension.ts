// Entry point of the VS Code extension: starts `tactful lsp --stdio` for reply templates and
// KB articles, and wires the commands and the status-bar item. All linting is the server's.

import { execFile } from "node:child_process";
import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions, type ServerOptions, State } from "vscode-languageclient/node";

import { findServer, type FoundServer, INSTALL_HELP } from "./server";
import { ruleId, StatusBar, tactfulDiagnostics } from "./status";

const LANGUAGES = ["plaintext", "markdown", "html", "handlebars", "mustache", "liquid"];
const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append("tactful");
const EXPLAIN_SCHEME = "tactful-explain";
const INSTALL_URL = "https://crates.io/crates/tactful";

let client: LanguageClient | undefined;
let server: FoundServer | undefined;
let output: vscode.LogOutputChannel;
let status: StatusBar | undefined;

type Filter = { scheme: string; language: string } | { scheme: string; pattern: string };

function documentSelector(): Filter[] {
  const config = vscode.workspace.getConfiguration("tactful");
  const globs = config.get<string[]>("macroExportGlobs", []);
  return [
    ...LANGUAGES.flatMap((language) => [{ scheme: "file", language }, { scheme: "untitled", language }]),
    ...globs.map((pattern) => ({ scheme: "file", pattern })),
    { scheme: "file", pattern: "**/{tactful,.tactful}.toml" },
  ];
}

/** The `tactful` settings, sent as initializationOptions and on workspace/configuration. */
function settings(): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration("tactful");
  return {
    severity: c.get("severity", {}),
    packs: c.get("packs", []),
    allow: c.get("allow", []),
    kinds: c.get("kinds", {}),
    codeLens: c.get("codeLens", true),
    maxDiagnostics: c.get("maxDiagnostics", 2000),
    docsUrl: c.get("docsUrl", null),
  };
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("tactful");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const lookup = findServer(config.get<string | null>("path", null), context.extensionPath, folder);
  if ("missing" in lookup) {
    server = undefined;
    status?.setServerProblem("the language server binary was not found.");
    output.error(lookup.missing);
    const choice = await vscode.window.showErrorMessage(`tactful: ${lookup.missing}`, "Open Settings", "How to Install");
    if (choice === "Open Settings") await vscode.commands.executeCommand("workbench.action.openSettings", "tactful.path");
    if (choice === "How to Install") await vscode.env.openExternal(vscode.Uri.parse(INSTALL_URL));
    return;
  }
  server = lookup.found;
  status?.setServerProblem(undefined);
  const args = config.get<string[]>("serverArgs", ["lsp", "--stdio"]);
  output.info(`starting ${server.command} ${args.join(" ")} (found via ${server.source})`);
  const run = { command: server.command, args, options: { cwd: folder } };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    diagnosticCollectionName: "tactful",
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: settings(),
    synchronize: {
      // Pushes didChangeConfiguration on every `tactful.*` change, so a server that did not
      // register for it dynamically still re-reads settings (it pulls with workspace/configuration).
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      configurationSection: "tactful",
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.toml"),
    },
    markdown: { isTrusted: false, supportHtml: false },
  };
  const c = new LanguageClient("tactful", "tactful", serverOptions, clientOptions);
  client = c;
  c.onDidChangeState((e) => {
    if (client !== c) return;
    if (e.newState === State.Running) status?.setServerProblem(undefined);
    if (e.newState === State.Stopped) status?.setServerProblem("the language server stopped.");
  });
  await c.start();
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c !== undefined && c.state !== State.Stopped) await c.stop();
}

async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined) return;
  const doc = editor.document;
  const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[] | undefined>(
    "vscode.executeCodeActionProvider", doc.uri, all, FIX_ALL_KIND.value,
  );
  const ours = (actions ?? []).filter((a) => a.kind !== undefined && FIX_ALL_KIND.contains(a.kind));
  if (ours.length === 0) {
    void vscode.window.showInformationMessage("tactful: nothing to fix automatically in this file.");
    return;
  }
  for (const action of ours) {
    if (action.edit !== undefined) await vscode.workspace.applyEdit(action.edit);
    if (action.command !== undefined) {
      const args: unknown[] = action.command.arguments ?? [];
      await vscode.commands.executeCommand(action.command.command, ...args);
    }
  }
}

function runCli(args: string[]): Promise<string> {
  const command = server?.command;
  if (command === undefined) return Promise.reject(new Error(`the tactful binary was not found. ${INSTALL_HELP}`));
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 10_000, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(stderr.trim() || err.message));
      else resolve(stdout);
    });
  });
}

async function pickRule(): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (editor !== undefined) {
    const diags = tactfulDiagnostics(editor.document.uri);
    const here = diags.filter((d) => d.range.contains(editor.selection.active)).map(ruleId);
    const first = here.find((id) => id !== undefined);
    if (first !== undefined) return first;
    const ids = [...new Set(diags.map(ruleId).filter((id): id is string => id !== undefined))].sort();
    if (ids.length > 0) return vscode.window.showQuickPick(ids, { placeHolder: "Rule to explain" });
  }
  const list = await runCli(["rules", "list"]).catch(() => "");
  const ids = list.split("\n").map((l) => l.trim().split(/\s+/)[0] ?? "").filter((id) => id.includes("."));
  if (ids.length > 0) return vscode.window.showQuickPick(ids, { placeHolder: "Rule to explain" });
  return vscode.window.showInputBox({ prompt: "Rule id to explain", placeHolder: "blame-customer.you-failed-to" });
}

async function explainRule(id?: string): Promise<void> {
  const rule = typeof id === "string" ? id : await pickRule();
  if (rule === undefined || rule === "") return;
  const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${rule}.txt` });
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("tactful", { log: true });
  status = new StatusBar(documentSelector());
  context.subscriptions.push(
    output,
    status,
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, {
      provideTextDocumentContent: async (uri) => {
        const rule = uri.path.replace(/^\//, "").replace(/\.txt$/, "");
        return runCli(["rules", "explain", rule]).catch((e: unknown) =>
          `${rule}\n\nCouldn't explain this rule: ${e instanceof Error ? e.message : String(e)}\n`);
      },
    }),
    vscode.commands.registerCommand("tactful.fixAll", fixAll),
    vscode.commands.registerCommand("tactful.explainRule", explainRule),
    vscode.commands.registerCommand("tactful.showOutput", () => { output.show(true); }),
    vscode.commands.registerCommand("tactful.restartServer", async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("tactful.path") || e.affectsConfiguration("tactful.serverArgs")) {
        await stopClient();
        await startClient(context);
      }
    }),
  );
  await startClient(context).catch((e: unknown) => {
    status?.setServerProblem("the language server failed to start.");
    output.error(`failed to start the server: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage("tactful: the language server failed to start; see the tactful output.", "Show Output")
      .then((choice) => { if (choice !== undefined) output.show(true); });
  });
}

export function deactivate(): Promise<void> {
  return stopClient();
}
