// `npm run package`: copies the release `tactful` binary into server/ and builds a
// platform-specific VSIX (like rust-analyzer's), e.g. tactful-linux-x64-0.1.0.vsix.
//   TACTFUL_SERVER_BINARY=path  binary to bundle (default: ../../target/release/tactful)
//   --out FILE                  where to write the VSIX
//   --target T                  vsce target (default: this machine's, e.g. linux-x64)
//   TACTFUL_NO_STRIP=1          keep debug info in the bundled copy (stripped by default)
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ext = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repo = path.resolve(ext, "..", "..");
const exe = process.platform === "win32" ? "tactful.exe" : "tactful";

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function defaultTarget() {
  const os = { linux: "linux", darwin: "darwin", win32: "win32" }[process.platform];
  const arch = { x64: "x64", arm64: "arm64", arm: "armhf" }[process.arch];
  if (!os || !arch) throw new Error(`no VSIX target for ${process.platform}-${process.arch}; pass --target`);
  return `${os}-${arch}`;
}

function die(msg) {
  console.error(`package: ${msg}`);
  process.exit(1);
}

const target = arg("--target") ?? defaultTarget();
const version = JSON.parse(fs.readFileSync(path.join(ext, "package.json"), "utf8")).version;
const out = path.resolve(arg("--out") ?? path.join(ext, `tactful-${target}-${version}.vsix`));
const binary = path.resolve(process.env.TACTFUL_SERVER_BINARY ?? path.join(repo, "target", "release", exe));
if (!fs.existsSync(binary)) {
  die(`${binary} not found: build it first with \`cargo build --release\` (or set TACTFUL_SERVER_BINARY)`);
}

const serverDir = path.join(ext, "server");
for (const f of fs.readdirSync(serverDir)) if (f !== ".gitkeep") fs.rmSync(path.join(serverDir, f), { recursive: true });
const bundled = path.join(serverDir, exe);
fs.copyFileSync(binary, bundled);
fs.chmodSync(bundled, 0o755);
if (!process.env.TACTFUL_NO_STRIP && process.platform !== "win32") {
  const strip = spawnSync("strip", [bundled], { stdio: "inherit" });
  if (strip.error) console.warn(`package: strip not available (${strip.error.message}); bundling unstripped`);
}
console.log(`package: bundled ${binary} -> server/${exe} (${fs.statSync(bundled).size} bytes)`);

fs.mkdirSync(path.dirname(out), { recursive: true });
const vsce = path.join(ext, "node_modules", "@vscode", "vsce", "vsce");
execFileSync(process.execPath, [
  vsce, "package", "--target", target, "--no-dependencies", "--allow-missing-repository",
  "--no-rewrite-relative-links", "--out", out,
], { cwd: ext, stdio: "inherit" });
console.log(`package: ${out} (${fs.statSync(out).size} bytes)`);
