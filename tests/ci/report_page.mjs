// Opens a `tactful report` page in real headless Chromium (playwright-core from
// editors/vscode/node_modules, Debian's /usr/bin/chromium), checks that the charts
// and tables are there and that the page logs no console errors or failed
// requests, and saves a full-page screenshot.
//   node tests/ci/report_page.mjs REPORT.html SCREENSHOT.png
// Prints one JSON line with what it found; exits 1 with a message on a failure.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(path.join(root, "editors", "vscode", "package.json"));
const { chromium } = require("playwright-core");

const [report, shot] = process.argv.slice(2);
if (!report || !shot) {
  console.error("usage: node tests/ci/report_page.mjs REPORT.html SCREENSHOT.png");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
  timeout: 120000,
});
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => { if (!r.url().startsWith("file:")) problems.push(`network request: ${r.url()}`); });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  const started = Date.now();
  await page.goto(pathToFileURL(path.resolve(report)).href, { waitUntil: "load", timeout: 60000 });
  const loadMs = Date.now() - started;
  const found = await page.evaluate(() => {
    const q = (s) => document.querySelectorAll(s).length;
    const box = (s) => { const e = document.querySelector(s); if (!e) return null; const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; };
    return {
      title: document.title,
      scoreBars: q("#score-chart rect.bar"),
      scoreBarsDrawn: [...document.querySelectorAll("#score-chart rect.bar")].filter((r) => Number(r.getAttribute("height")) > 0).length,
      categoryBars: q("#category-chart rect.bar"),
      scoreChartBox: box("#score-chart"),
      categoryChartBox: box("#category-chart"),
      folderRows: q("#folders-table tbody tr"),
      worstDocs: q("#worst article.doc"),
      marks: q("#worst mark"),
      suggestions: q("#worst .fix"),
      baselineRows: q("#baseline-table tbody tr"),
      scripts: q("script"),
      externalLinks: q("link[href], img[src^='http'], script[src]"),
    };
  });
  // REPORT_SHOT_HEIGHT=N: only the top N pixels (the README picture); default the full page.
  const clipHeight = Number(process.env.REPORT_SHOT_HEIGHT ?? 0);
  if (clipHeight > 0) await page.screenshot({ path: shot, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: clipHeight } });
  else await page.screenshot({ path: shot, fullPage: true });
  console.log(JSON.stringify({ ...found, loadMs, problems }));
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
