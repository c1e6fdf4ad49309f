// Unit tests of the server lookup (src/server.ts): setting, bundled binary, PATH, and the
// message when nothing is found. Run by `npm run test:unit` (node:test, no VS Code needed).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";

import { expandPath, findServer } from "../src/server";

const EXE = process.platform === "win32" ? "tactful.exe" : "tactful";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "tactful-vscode-test-"));
}

function fakeBinary(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, EXE);
  fs.writeFileSync(p, "#!/bin/sh\n");
  fs.chmodSync(p, 0o755);
  return p;
}

function withPath<T>(value: string, f: () => T): T {
  const saved = process.env.PATH;
  process.env.PATH = value;
  try {
    return f();
  } finally {
    process.env.PATH = saved;
  }
}

void test("the tactful.path setting wins, relative to the workspace folder", () => {
  const ws = tempDir();
  const bin = fakeBinary(path.join(ws, "bin"));
  const ext = tempDir();
  fakeBinary(path.join(ext, "server"));
  const r = findServer("bin/" + EXE, ext, ws);
  assert.deepEqual(r, { found: { command: bin, source: "setting" } });
});

void test("a tactful.path that doesn't exist is reported, not skipped", () => {
  const r = findServer("/nonexistent/tactful", tempDir(), undefined);
  assert.ok("missing" in r);
  assert.match(r.missing, /tactful\.path/);
  assert.match(r.missing, /\/nonexistent\/tactful/);
});

void test("the bundled binary comes before PATH", () => {
  const ext = tempDir();
  const bundled = fakeBinary(path.join(ext, "server"));
  const onPath = tempDir();
  fakeBinary(onPath);
  const r = withPath(onPath, () => findServer(null, ext, undefined));
  assert.deepEqual(r, { found: { command: bundled, source: "bundled" } });
});

void test("a bundled binary that lost its executable bit is restored", { skip: process.platform === "win32" }, () => {
  const ext = tempDir();
  const bundled = fakeBinary(path.join(ext, "server"));
  fs.chmodSync(bundled, 0o644);
  const r = withPath("", () => findServer(undefined, ext, undefined));
  assert.deepEqual(r, { found: { command: bundled, source: "bundled" } });
});

void test("PATH is searched last", () => {
  const dir = tempDir();
  const bin = fakeBinary(dir);
  const r = withPath([tempDir(), dir].join(path.delimiter), () => findServer("  ", tempDir(), undefined));
  assert.deepEqual(r, { found: { command: bin, source: "path" } });
});

void test("nothing found: the message says how to install", () => {
  const r = withPath(tempDir(), () => findServer(null, tempDir(), undefined));
  assert.ok("missing" in r);
  assert.match(r.missing, /Couldn't find the tactful language server/);
  assert.match(r.missing, /cargo install tactful/);
  assert.match(r.missing, /tactful\.path/);
});

void test("expandPath expands ~ and ${workspaceFolder}", () => {
  assert.equal(expandPath("~/bin/tactful", undefined), path.join(os.homedir(), "bin/tactful"));
  assert.equal(expandPath("${workspaceFolder}/t", "/ws"), path.join("/ws", "t"));
  assert.equal(expandPath("rel/t", "/ws"), path.join("/ws", "rel/t"));
});
