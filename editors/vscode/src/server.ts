// Finds the `tactful` binary the extension starts: the `tactful.path` setting, then the binary
// bundled in a platform-specific VSIX (server/tactful[.exe]), then `tactful` on PATH.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export type ServerSource = "setting" | "bundled" | "path";

export interface FoundServer {
  readonly command: string;
  readonly source: ServerSource;
}

export type ServerLookup =
  | { readonly found: FoundServer }
  | { readonly missing: string };

const EXE = process.platform === "win32" ? "tactful.exe" : "tactful";

export const INSTALL_HELP =
  "Install the platform-specific tactful extension (it bundles the server), " +
  "or install the binary with `cargo install tactful` (then make sure it is on PATH), " +
  "or point the `tactful.path` setting at an existing binary.";

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== "win32") fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Expands `~` and `${workspaceFolder}` / `${userHome}` in a configured path. */
export function expandPath(configured: string, workspaceFolder: string | undefined): string {
  let p = configured.trim();
  if (p === "~" || p.startsWith("~/") || p.startsWith("~\\")) p = path.join(os.homedir(), p.slice(1));
  p = p.replace(/\$\{userHome\}/g, os.homedir());
  if (workspaceFolder !== undefined) p = p.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  if (!path.isAbsolute(p) && workspaceFolder !== undefined) p = path.join(workspaceFolder, p);
  return p;
}

/** Searches PATH the way a shell does (PATHEXT is not needed: we look for tactful.exe). */
export function findOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? "").split(path.delimiter).filter((d) => d.length > 0);
  for (const dir of dirs) {
    const candidate = path.join(dir, EXE);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function findServer(
  configuredPath: string | null | undefined,
  extensionPath: string,
  workspaceFolder: string | undefined,
): ServerLookup {
  if (configuredPath !== null && configuredPath !== undefined && configuredPath.trim() !== "") {
    const p = expandPath(configuredPath, workspaceFolder);
    if (isExecutableFile(p)) return { found: { command: p, source: "setting" } };
    return {
      missing: `The \`tactful.path\` setting points at "${p}", which is not an executable file. ` +
        "Fix the setting or clear it to use the bundled binary or the one on PATH.",
    };
  }
  const bundled = path.join(extensionPath, "server", EXE);
  if (process.platform !== "win32" && fs.existsSync(bundled) && !isExecutableFile(bundled)) {
    // Some VSIX installers drop the executable bit; restore it.
    try { fs.chmodSync(bundled, 0o755); } catch { /* read-only install: fall through to PATH */ }
  }
  if (isExecutableFile(bundled)) return { found: { command: bundled, source: "bundled" } };
  const onPath = findOnPath();
  if (onPath !== undefined) return { found: { command: onPath, source: "path" } };
  return {
    missing: "Couldn't find the tactful language server: `tactful.path` is not set, this " +
      `extension has no bundled binary for ${process.platform}-${process.arch}, and \`tactful\` ` +
      `is not on PATH. ${INSTALL_HELP}`,
  };
}
