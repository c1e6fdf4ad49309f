// The status-bar item: the active document's empathy score (0-100) and tactful problem count.
// The score uses the server's formula (src/score.rs): 100 minus a penalty per finding weighted
// by severity (error 12, warning 6, info 3, hint 1), divided by words/250 past 250 words.

import * as vscode from "vscode";

const WEIGHTS: Record<vscode.DiagnosticSeverity, number> = {
  [vscode.DiagnosticSeverity.Error]: 12,
  [vscode.DiagnosticSeverity.Warning]: 6,
  [vscode.DiagnosticSeverity.Information]: 3,
  [vscode.DiagnosticSeverity.Hint]: 1,
};

export function tactfulDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === "tactful");
}

export function ruleId(d: vscode.Diagnostic): string | undefined {
  if (typeof d.code === "string") return d.code;
  if (typeof d.code === "object") return String(d.code.value);
  return undefined;
}

export function empathyScore(diagnostics: readonly vscode.Diagnostic[], text: string): number {
  const penalty = diagnostics.reduce((sum, d) => sum + WEIGHTS[d.severity], 0);
  const words = Math.max(text.split(/\s+/).filter((w) => w.length > 0).length, 1);
  const scale = Math.max(words / 250, 1);
  return Math.round(Math.min(Math.max(100 - penalty / scale, 0), 100));
}

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private serverProblem: string | undefined;

  constructor(private readonly selector: vscode.DocumentSelector) {
    this.item = vscode.window.createStatusBarItem("tactful.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "tactful";
    this.item.command = "workbench.actions.view.problems";
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => { this.update(); }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (e.uris.some((u) => u.toString() === active)) this.update();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration("tactful.statusBar")) this.update();
      }),
    );
    this.update();
  }

  /** Shows `problem` (e.g. "server not found") instead of a score until cleared with undefined. */
  setServerProblem(problem: string | undefined): void {
    this.serverProblem = problem;
    this.update();
  }

  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const enabled = vscode.workspace.getConfiguration("tactful").get<boolean>("statusBar.enable", true);
    if (!enabled || doc === undefined || vscode.languages.match(this.selector, doc) === 0) {
      this.item.hide();
      return;
    }
    if (this.serverProblem !== undefined) {
      this.item.text = "$(warning) tactful";
      this.item.tooltip = `tactful: ${this.serverProblem} Click for the log.`;
      this.item.command = "tactful.showOutput";
      this.item.show();
      return;
    }
    this.item.command = "workbench.actions.view.problems";
    const diagnostics = tactfulDiagnostics(doc.uri);
    const score = empathyScore(diagnostics, doc.getText());
    const n = diagnostics.length;
    const icon = n === 0 ? "$(heart)" : "$(comment-discussion)";
    this.item.text = `${icon} tactful ${score} · ${n} ${n === 1 ? "problem" : "problems"}`;
    const byRule = new Map<string, number>();
    for (const d of diagnostics) {
      const id = ruleId(d) ?? "?";
      byRule.set(id, (byRule.get(id) ?? 0) + 1);
    }
    const tooltip = new vscode.MarkdownString(`**Empathy score ${score}/100** — ${n} ${n === 1 ? "problem" : "problems"}`);
    for (const [id, count] of [...byRule.entries()].sort()) tooltip.appendMarkdown(`\n- \`${id}\` × ${count}`);
    tooltip.appendMarkdown("\n\nClick to open the Problems view.");
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
