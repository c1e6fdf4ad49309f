// End-to-end test of the unpacked extension in Debian's Chromium (playwright-core,
// launchPersistentContext with --load-extension), against local pages that reproduce real
// help-desk editors: a plain <textarea>, a ProseMirror-style contenteditable with a
// placeholder chip, and an editor inside an iframe. Driven by tests/e2e_browser_extension.rs,
// which starts `tactful serve` and passes TACTFUL_URL, CHROMIUM, SCREENSHOT_DIR, PROFILE_DIR.
// Pages are served by a loopback HTTP server started here; a second one is a delaying proxy to
// the service, used to hold a check in flight while the page changes. Prints one JSON line.
import { chromium } from "playwright-core";
import { createServer, request as httpRequest } from "node:http";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const extensionDir = join(here, "..");
const tactful = process.env.TACTFUL_URL;
const shots = process.env.SCREENSHOT_DIR;
const EXPECTED_ID = "edfflkiokefekfmhckefhkdokbebobpb";
const result = { steps: [] };
const step = (name, data = {}) => result.steps.push({ name, ...data });

function listen(server) {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}

// Test pages.
const pages = createServer((req, res) => {
  const name = (req.url || "/").split("?")[0].replace(/^\/+/, "") || "textarea.html";
  if (!/^[a-z-]+\.html$/.test(name)) { res.writeHead(404); res.end(); return; }
  try {
    const body = readFileSync(join(here, "pages", name));
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(body);
  } catch { res.writeHead(404); res.end(); }
});
const pagesPort = await listen(pages);
const pagesBase = `http://127.0.0.1:${pagesPort}`;

// A proxy to tactful serve that can hold answers back (a slow check in flight).
const proxyState = { delayMs: 0, received: [], kinds: [], answered: 0 };
const proxy = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    try {
      const req = JSON.parse(body.toString());
      proxyState.received.push(req.text);
      proxyState.kinds.push(req.kind);
    } catch { proxyState.received.push(null); }
    const target = new URL(req.url, tactful);
    const fwd = httpRequest(target, { method: req.method, headers: { "content-type": req.headers["content-type"] || "" } }, (up) => {
      const out = [];
      up.on("data", (c) => out.push(c));
      up.on("end", () => setTimeout(() => {
        res.writeHead(up.statusCode, { "content-type": up.headers["content-type"] || "application/json" });
        res.end(Buffer.concat(out));
        proxyState.answered++;
      }, proxyState.delayMs));
    });
    fwd.on("error", (e) => { res.writeHead(502); res.end(String(e)); });
    fwd.end(body);
  });
});
const proxyPort = await listen(proxy);
const proxyBase = `http://127.0.0.1:${proxyPort}`;

const context = await chromium.launchPersistentContext(process.env.PROFILE_DIR, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  timeout: 60_000,
  viewport: { width: 1000, height: 600 },
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
});

let page;
async function finish(code, message) {
  if (code !== 0 && page) await page.screenshot({ path: join(shots, "extension-failure.png") }).catch(() => {});
  if (message) console.error(message);
  await context.close().catch(() => {});
  pages.close(); proxy.close();
  process.exit(code);
}

const overlay = "tactful-overlay";
const underline = (rule) => `${overlay} .u[data-rule^="${rule}"]`;
const card = (rule) => `${overlay} .card[data-rule^="${rule}"]`;

/** Clicks the text above an underline (the overlay lets the click through to the editor). */
async function clickUnderline(scope, rule) {
  const u = scope.locator(underline(rule)).first();
  await u.waitFor({ state: "attached", timeout: 20_000 });
  const box = await u.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y - 6);
}

async function configure(serverUrl, sites) {
  const opts = await context.newPage();
  await opts.goto(`chrome-extension://${EXPECTED_ID}/options.html`);
  await opts.waitForSelector("body[data-loaded]");
  await opts.fill("#serverUrl", "http://checker.example.com:7383");
  await opts.fill("#sites", sites);
  await opts.click("#save");
  const refused = await opts.textContent("#status");
  await opts.fill("#serverUrl", serverUrl);
  await opts.click("#save");
  await opts.waitForFunction(() => document.querySelector("#status").textContent.startsWith("Saved"));
  await opts.close();
  return refused;
}

try {
  let [worker] = context.serviceWorkers();
  if (!worker) worker = await context.waitForEvent("serviceworker", { timeout: 30_000 });
  const id = new URL(worker.url()).host;
  step("loaded", { id });
  if (id !== EXPECTED_ID) throw new Error(`extension id ${id}, expected ${EXPECTED_ID} (manifest key)`);

  // A site not allowed yet: the content script stays idle.
  page = await context.newPage();
  await page.goto(`${pagesBase}/textarea.html`);
  await page.click("#reply");
  await page.keyboard.type("You failed to enter the code.");
  await page.waitForTimeout(1500);
  const idle = { overlays: await page.locator(overlay).count(), marker: await page.evaluate(() => document.documentElement.dataset.tactful ?? null) };
  step("not-allowed", idle);
  await page.close();

  const refused = await configure(tactful, "127.0.0.1 reply\n");
  step("options", { refused });

  // 1. Plain textarea.
  page = await context.newPage();
  await page.goto(`${pagesBase}/textarea.html`);
  const REPLY = "Hi {{ticket.requester.first_name}}, you failed to enter the code. Just restart the app.";
  await page.click("#reply");
  await page.keyboard.type(REPLY, { delay: 5 });
  await page.locator(underline("blame-customer")).first().waitFor({ state: "attached", timeout: 20_000 });
  const taUnderlined = await page.locator(underline("blame-customer")).first().getAttribute("data-text");
  const taBefore = await page.inputValue("#reply");
  await clickUnderline(page, "blame-customer");
  await page.locator(card("blame-customer")).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(shots, "extension-textarea.png") });
  const taSuggestion = await page.locator(`${card("blame-customer")} button`).first().textContent();
  await page.locator(`${card("blame-customer")} button`).first().click();
  await page.waitForFunction(() => window.__seen.includes("weren't able"), null, { timeout: 10_000 });
  await page.locator(underline("blame-customer")).waitFor({ state: "detached", timeout: 20_000 });
  await page.locator(underline("minimizing")).first().waitFor({ state: "attached", timeout: 20_000 });
  step("textarea", {
    underlined: taUnderlined, before: taBefore, suggestion: taSuggestion,
    value: await page.inputValue("#reply"), seen: await page.evaluate(() => window.__seen),
    inputType: await page.evaluate(() => window.__lastInputType),
  });

  // 2. Stale answers: the page changes while a check is in flight (no input event, like a
  //    framework re-render). The old answer must never be drawn; the new text gets its own.
  await page.close();
  await configure(proxyBase, "example.org reply\n127.0.0.1 kb\n");
  proxyState.delayMs = 1500;
  page = await context.newPage();
  await page.goto(`${pagesBase}/textarea.html`);
  await page.evaluate(() => {
    // Record every underline drawn together with the textarea's text at that moment.
    window.__drawn = [];
    const ta = document.getElementById("reply");
    const watch = () => {
      const host = document.querySelector("tactful-overlay");
      if (!host || !host.shadowRoot) return setTimeout(watch, 20);
      new MutationObserver(() => {
        for (const u of host.shadowRoot.querySelectorAll(".u")) {
          const start = Number(u.dataset.start);
          window.__drawn.push({ text: u.dataset.text, start, actual: ta.value.slice(start, start + u.dataset.text.length) });
        }
      }).observe(host.shadowRoot, { childList: true, subtree: true });
    };
    watch();
  });
  await page.click("#reply");
  const first = "You failed to enter the code.";
  await page.keyboard.type(first);
  const t0 = Date.now();
  while (proxyState.received.length === 0 && Date.now() - t0 < 10_000) await page.waitForTimeout(20);
  await page.evaluate(() => { const ta = document.getElementById("reply"); ta.value = "Thanks for writing in. " + ta.value; });
  proxyState.delayMs = 0;
  await page.locator(underline("blame-customer")).first().waitFor({ state: "attached", timeout: 20_000 });
  const staleDrawn = await page.evaluate(() => window.__drawn);
  const staleUnderline = await page.locator(underline("blame-customer")).first().getAttribute("data-start");

  //    A fix offered for one text is never applied to another: open the card, let the page
  //    change the text, then click the suggestion.
  await clickUnderline(page, "blame-customer");
  await page.locator(card("blame-customer")).waitFor({ timeout: 10_000 });
  const changed = await page.evaluate(() => { const ta = document.getElementById("reply"); ta.value = ta.value.replace("Thanks for writing in. ", "Hello! "); return ta.value; });
  await page.locator(`${card("blame-customer")} button`).first().click();
  await page.waitForTimeout(300);
  const afterStaleClick = await page.inputValue("#reply");
  await page.locator(`${underline("blame-customer")}[data-start="7"]`).waitFor({ state: "attached", timeout: 20_000 });
  step("stale", { received: proxyState.received, kinds: proxyState.kinds, drawn: staleDrawn, underlineStart: staleUnderline, changed, afterStaleClick });
  await page.close();
  await configure(tactful, "127.0.0.1 reply\n");

  // 3. Contenteditable rich-text editor with a placeholder chip.
  page = await context.newPage();
  await page.goto(`${pagesBase}/rich.html`);
  await page.click("#reply p:nth-child(2)");
  await page.keyboard.type("You failed to enter the code, just restart the app.", { delay: 5 });
  await page.locator(underline("blame-customer")).first().waitFor({ state: "attached", timeout: 20_000 });
  const richUnderlined = await page.locator(underline("blame-customer")).first().getAttribute("data-text");
  const richHtmlBefore = await page.evaluate(() => document.getElementById("reply").innerHTML);
  await clickUnderline(page, "blame-customer");
  await page.locator(card("blame-customer")).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(shots, "extension-rich.png") });
  await page.locator(`${card("blame-customer")} button`).first().click();
  await page.waitForFunction(() => window.__seen.includes("weren't able"), null, { timeout: 10_000 });
  step("rich", {
    underlined: richUnderlined, htmlBefore: richHtmlBefore,
    seen: await page.evaluate(() => window.__seen),
    chip: await page.evaluate(() => document.querySelector("#reply .placeholder")?.textContent ?? null),
    inputType: await page.evaluate(() => window.__lastInputType),
  });
  await page.close();

  // 4. Editor in an iframe (TinyMCE/CKEditor style: the iframe's body is contenteditable).
  page = await context.newPage();
  await page.goto(`${pagesBase}/iframe.html`);
  await page.waitForFunction(() => window.__frameReady === true);
  const frame = page.frameLocator("#editor-frame");
  await frame.locator("body p:nth-child(2)").click();
  await page.keyboard.press("End");
  await page.keyboard.type(" You should have read the FAQ.", { delay: 5 });
  await frame.locator(underline("blame-customer")).first().waitFor({ state: "attached", timeout: 20_000 });
  const frameUnderlined = await frame.locator(underline("blame-customer")).first().getAttribute("data-text");
  await clickUnderline(frame, "blame-customer");
  await frame.locator(card("blame-customer")).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(shots, "extension-iframe.png") });
  const frameSuggestion = await frame.locator(`${card("blame-customer")} button`).first().textContent();
  await frame.locator(`${card("blame-customer")} button`).first().click();
  await page.waitForFunction((s) => window.__seen.includes(s), frameSuggestion, { timeout: 10_000 });
  step("iframe", {
    underlined: frameUnderlined, suggestion: frameSuggestion,
    seen: await page.evaluate(() => window.__seen),
  });

  console.log(JSON.stringify(result));
  await finish(0);
} catch (e) {
  console.log(JSON.stringify(result));
  await finish(1, `extension e2e failed: ${e?.stack ?? e}`);
}
