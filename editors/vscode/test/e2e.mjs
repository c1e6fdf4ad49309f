// End-to-end driver for tests/e2e_vscode.rs: installs the packaged VSIX into code-server, opens
// the workspace in headless Chromium (playwright-core), waits for tactful's squiggle, applies the
// quick fix from the keyboard (F8, Escape, Ctrl+., Enter), saves, waits for the file on disk to
// change and the diagnostic to go, then runs "tactful: Fix All in File" from the command
// palette and saves again, and saves screenshots. Everything waits on conditions.
//
// Environment (all required unless a default is shown):
//   CODE_SERVER      code-server launcher          TACTFUL_VSIX   the .vsix to install
//   E2E_DIR          scratch dir (profiles, logs)  E2E_WORKSPACE  folder to open
//   E2E_FILE         file to open, relative to E2E_WORKSPACE
//   E2E_SCREENSHOT   PNG written with the quick-fix menu open (and on failure);
//                    <name>-fixed.png is written after the fix
//   E2E_PROBLEMS     how many tactful problems the file has (the status bar must show them)
//   TACTFUL_BIN      the CLI, to count the problems left after Fix All
//   CHROMIUM         default /usr/bin/chromium     E2E_STARTUP_TIMEOUT_MS default 120000
// Prints one line `E2E-RESULT {json}` on success; exits 1 with logs on failure.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { chromium } from "playwright-core";

const env = (name, dflt) => {
  const v = process.env[name] ?? dflt;
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const CODE_SERVER = env("CODE_SERVER");
const VSIX = env("TACTFUL_VSIX");
const DIR = env("E2E_DIR");
const WORKSPACE = env("E2E_WORKSPACE");
const FILE = env("E2E_FILE");
const SCREENSHOT = env("E2E_SCREENSHOT");
const CHROMIUM = env("CHROMIUM", "/usr/bin/chromium");
const PROBLEMS = Number(env("E2E_PROBLEMS"));
const TACTFUL_BIN = env("TACTFUL_BIN");

/** How many findings `tactful check --format json` reports for the file on disk. */
function cliCount() {
  const r = spawnSync(TACTFUL_BIN, ["check", "--format", "json", filePath], { encoding: "utf8" });
  return JSON.parse(r.stdout).files[0].diagnostics.length;
}
const STARTUP_MS = Number(env("E2E_STARTUP_TIMEOUT_MS", "120000"));
const STEP_MS = 60_000;
const SQUIGGLE = ".monaco-editor .view-overlays .squiggly-error, .monaco-editor .view-overlays .squiggly-warning, " +
  ".monaco-editor .view-overlays .squiggly-info, .monaco-editor .view-overlays .squiggly-hint";
const STATUS = ".statusbar-item:has-text(\"tactful\")";

const userData = path.join(DIR, "user-data");
const extensions = path.join(DIR, "extensions");
const serverLog = path.join(DIR, "code-server.log");
const filePath = path.join(WORKSPACE, FILE);
const log = (msg) => { console.log(`[e2e ${new Date().toISOString().slice(11, 23)}] ${msg}`); };

async function waitFor(what, timeoutMs, check, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => { resolve(port); });
    });
  });
}

function installExtension() {
  log(`installing ${VSIX}`);
  const r = spawnSync(CODE_SERVER, [
    "--extensions-dir", extensions, "--user-data-dir", userData, "--install-extension", VSIX, "--force",
  ], { encoding: "utf8", timeout: STARTUP_MS });
  process.stdout.write(r.stdout ?? "");
  process.stderr.write(r.stderr ?? "");
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout ?? "")) {
    throw new Error(`code-server --install-extension failed (status ${r.status})`);
  }
}

function writeSettings() {
  const settings = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "workbench.colorTheme": "Default Light Modern",
    "workbench.welcomePage.walkthroughs.openOnInstall": false,
    "window.commandCenter": false,
    "chat.commandCenter.enabled": false,
    "telemetry.telemetryLevel": "off",
    "security.workspace.trust.enabled": false,
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "update.mode": "none",
    "git.enabled": false,
    "files.autoSave": "off",
    "editor.minimap.enabled": false,
    "editor.fontSize": 15,
    "editor.wordWrap": "on",
    "editor.lightbulb.enabled": "off",
  };
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify(settings, null, 2));
}

async function startCodeServer() {
  const port = await freePort();
  const out = fs.openSync(serverLog, "a");
  const child = spawn(CODE_SERVER, [
    "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry", "--disable-update-check",
    "--disable-workspace-trust", "--disable-getting-started-override", "--user-data-dir", userData,
    "--extensions-dir", extensions, WORKSPACE,
  ], { stdio: ["ignore", out, out], detached: true });
  let exited = null;
  child.on("exit", (code, signal) => { exited = `${code ?? signal}`; });
  const stop = () => { try { process.kill(-child.pid, "SIGTERM"); } catch { /* already gone */ } };
  try {
    await waitFor(`code-server on port ${port}`, STARTUP_MS, async () => {
      if (exited !== null) throw new Error(`code-server exited early (${exited})`);
      try { return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok; } catch { return false; }
    }, 250);
  } catch (e) { stop(); throw e; }
  return { port, stop };
}

async function openWorkbench(profile) {
  const server = await startCodeServer();
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 720 },
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
      timeout: STARTUP_MS,
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(WORKSPACE)}`,
      { timeout: STARTUP_MS });
    await page.locator(".monaco-workbench .part.editor").waitFor({ timeout: STARTUP_MS });
    return { server, context, page };
  } catch (e) {
    if (context) await context.close().catch(() => {});
    server.stop();
    throw e;
  }
}

function dumpLogs() {
  const show = (f) => {
    try { console.error(`----- ${f}\n${fs.readFileSync(f, "utf8").slice(-20000)}`); } catch { /* missing */ }
  };
  show(serverLog);
  const walk = (d) => {
    let entries = [];
    try { entries = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/tactful|exthost\.log|remoteagent\.log/i.test(e.name)) show(p);
    }
  };
  walk(path.join(userData, "logs"));
}

async function main() {
  fs.mkdirSync(DIR, { recursive: true });
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  writeSettings();
  installExtension();
  const original = fs.readFileSync(filePath, "utf8");

  // Start-up (code-server + Chromium + workbench) gets one retry; the assertions get none.
  let session;
  try {
    session = await openWorkbench(path.join(DIR, "chromium-1"));
  } catch (e) {
    log(`start-up failed (${e.message}); retrying once`);
    session = await openWorkbench(path.join(DIR, "chromium-2"));
  }
  const { server, context, page } = session;
  try {
    log("workbench loaded; opening the file with Quick Open");
    await page.locator(".monaco-workbench").click({ position: { x: 640, y: 360 } }).catch(() => {});
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor();
    await input.fill(FILE);
    await page.locator(".quick-input-widget .monaco-list-row").first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(`.tab[aria-label*="${path.basename(FILE)}"]`).first().waitFor();
    await page.locator(".monaco-editor .view-lines").first().waitFor();

    log("waiting for tactful's squiggle (server start-up included)");
    await page.locator(SQUIGGLE).first().waitFor({ timeout: STARTUP_MS });
    const status = page.locator(STATUS).first();
    await status.waitFor();
    const problems = (n) => new RegExp(`· ${n} problems?$`);
    let seen = "";
    const statusShows = (n) => waitFor(`the status bar to count ${n} problem(s)`, STEP_MS, async () => {
      const squiggles = await page.locator(SQUIGGLE).count();
      const text = (await status.innerText()).trim();
      seen = `squiggles ${squiggles}, status "${text}"`;
      return problems(n).test(text);
    }).catch((e) => { throw new Error(`${e.message}; last seen: ${seen}`); });
    await statusShows(PROBLEMS);
    const squigglesBefore = await page.locator(SQUIGGLE).count();
    const statusBefore = (await status.innerText()).trim();
    log(`squiggles: ${squigglesBefore}; status bar: ${statusBefore}`);

    log("F8 (go to problem), Escape, Ctrl+. (quick fix)");
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+Home");
    await page.keyboard.press("F8");
    await page.locator(".marker-widget, .peekview-widget").first().waitFor();
    const problem = (await page.locator(".marker-widget .message, .peekview-widget .message").first()
      .innerText().catch(() => "")).trim();
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+.");
    const menu = page.locator(".action-widget");
    await menu.waitFor();
    await page.locator(".action-widget .monaco-list-row.action").first().waitFor();
    const fixes = (await page.locator(".action-widget .monaco-list-row.action").allInnerTexts()).map((t) => t.trim());
    log(`quick fixes offered: ${JSON.stringify(fixes)}`);
    await page.screenshot({ path: SCREENSHOT });
    await page.keyboard.press("Enter");
    await menu.waitFor({ state: "hidden" });

    log("Ctrl+S; waiting for the file on disk to change");
    await page.keyboard.press("Control+S");
    const saved = await waitFor("the fixed file on disk", STEP_MS, () => {
      const now = fs.readFileSync(filePath, "utf8");
      return now !== original ? now : false;
    });

    log("waiting for the diagnostic to go");
    await statusShows(PROBLEMS - 1);
    await waitFor("a squiggle to go", STEP_MS, async () => (await page.locator(SQUIGGLE).count()) < squigglesBefore);
    const statusAfter = (await status.innerText()).trim();
    const squigglesAfter = await page.locator(SQUIGGLE).count();
    await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, "-fixed.png") });

    log("command palette: tactful: Fix All in File; Ctrl+S");
    await page.keyboard.press("F1");
    const palette = page.locator(".quick-input-widget input");
    await palette.waitFor();
    await palette.fill(">tactful: Fix All in File");
    await page.locator(".quick-input-widget .monaco-list-row", { hasText: "Fix All in File" }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".tab.dirty").first().waitFor();
    await page.keyboard.press("Control+S");
    const fixedAll = await waitFor("the fixed-all file on disk", STEP_MS, () => {
      const now = fs.readFileSync(filePath, "utf8");
      return now !== saved ? now : false;
    });
    await page.locator(".tab.dirty").first().waitFor({ state: "hidden" });
    // The server re-lints the fixed text; the status bar settles on the CLI's count.
    await statusShows(cliCount());
    const statusFixedAll = (await status.innerText()).trim();
    console.log(`E2E-RESULT ${JSON.stringify({
      problem, fixes, statusBefore, statusAfter, squigglesBefore, squigglesAfter, saved, fixedAll, statusFixedAll,
    })}`);
  } catch (e) {
    await page.screenshot({ path: SCREENSHOT }).catch(() => {});
    throw e;
  } finally {
    await context.close().catch(() => {});
    server.stop();
  }
}

main().catch((e) => {
  console.error(`e2e: FAILED: ${e.stack ?? e}`);
  dumpLogs();
  process.exit(1);
});
