// End-to-end test of the playground in headless Chromium (playwright-core, the system's
// Chromium): type a non-empathetic reply, see the highlight, hover for the why, apply a
// suggestion, the score rises. Driven by tests/e2e_browser_playground.rs, which starts
// `tactful serve` and passes BASE_URL, CHROMIUM, SCREENSHOT_DIR. Prints one JSON line.
import { chromium } from "playwright-core";
import { join } from "node:path";

const base = process.env.BASE_URL;
const shots = process.env.SCREENSHOT_DIR;
const REPLY = "Hi {{ticket.requester.first_name}}, you failed to enter the code. Just restart the app.";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  timeout: 60_000,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run"],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 640 } });
const requests = [];
page.on("request", (r) => requests.push(r.url()));
const fail = async (msg) => {
  await page.screenshot({ path: join(shots, "playground-failure.png") }).catch(() => {});
  console.error(msg);
  await browser.close();
  process.exit(1);
};
try {
  await page.goto(base + "/", { waitUntil: "load" });
  await page.click("#input");
  await page.keyboard.type(REPLY, { delay: 8 });
  const mark = page.locator('mark.finding[data-rule^="blame-customer"]');
  await mark.waitFor({ state: "attached", timeout: 15_000 });
  await page.waitForFunction(() => document.body.dataset.state === "idle" &&
    document.querySelector("#input").value.length > 0 && document.querySelector("#score").dataset.score !== "");
  const before = Number(await page.getAttribute("#score", "data-score"));
  const highlighted = await mark.textContent();
  const categories = await page.$$eval("#categories li[data-category]", (lis) => lis.map((li) => li.dataset.category));

  // Hover the highlight (under the textarea): the card explains why and offers the rewrite.
  const box = await mark.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const card = page.locator('#tooltip:not([hidden])[data-rule^="blame-customer"]');
  await card.waitFor({ timeout: 10_000 });
  const why = await card.locator(".why").textContent();
  await page.screenshot({ path: join(shots, "playground.png") });

  const suggestion = card.locator("button.suggestion").first();
  const replacement = await suggestion.textContent();
  await suggestion.click();
  await page.waitForFunction((b) => document.body.dataset.state === "idle" &&
    Number(document.querySelector("#score").dataset.score) > b, before, { timeout: 15_000 });
  const after = Number(await page.getAttribute("#score", "data-score"));
  const text = await page.inputValue("#input");
  const stillFlagged = await page.locator('mark.finding[data-rule^="blame-customer"]').count();
  await page.screenshot({ path: join(shots, "playground-after-fix.png") });

  // Kind is selectable: an internal note is checked as one (the answer's kind changes what applies).
  await page.selectOption("#kind", "internal-note");
  await page.waitForFunction(() => document.body.dataset.state === "idle");
  const kindStatus = await page.textContent("#status");

  // Format is selectable: as HTML, the markup is not prose and the highlight sits on the words.
  await page.selectOption("#kind", "reply");
  await page.selectOption("#format", "html");
  await page.fill("#input", "<p class=\"greeting\">Hi {{name}},</p><p>You should have read the <b>FAQ</b>.</p>");
  const htmlMark = page.locator('mark.finding[data-rule^="blame-customer"]');
  await htmlMark.waitFor({ state: "attached", timeout: 15_000 });
  const htmlHighlighted = await htmlMark.textContent();
  const foreign = requests.filter((u) => !u.startsWith(base));
  console.log(JSON.stringify({ before, after, highlighted, categories, why, replacement, text, stillFlagged, kindStatus, htmlHighlighted, foreign }));
  await browser.close();
} catch (e) {
  await fail(`playground e2e failed: ${e?.stack ?? e}`);
}
