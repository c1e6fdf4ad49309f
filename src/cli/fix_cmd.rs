//! `tactful fix`: applies every preferred fix (repeating until stable), shows
//! a unified diff or writes files atomically; never writes a file it could not parse.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::walk;
use crate::config::ConfigCache;
use crate::fix;

/// Applies preferred fixes until nothing changes (at most `fix::FIX_PASSES` passes).
/// Returns the new text, or an error when the file could not be parsed.
pub fn fixed_text(
    cfg: &crate::config::Resolved,
    path: &Path,
    text: &str,
) -> Result<(String, usize), String> {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let settings = cfg.settings_for(&abs);
    // Lint errors on the original mean the file is not touched; on a fixed
    // text they mean a fix would break the file, so nothing is written.
    cfg.linter
        .lint(text, &settings)
        .map_err(|e| format!("cannot read as {}: {e}", settings.format.id()))?;
    fix::fix_all(&cfg.linter, text, &settings, fix::FIX_PASSES)
        .map_err(|e| format!("a fix would make the file unreadable ({e}); nothing written"))
}

/// A unified diff with 2 lines of context.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    // Common prefix/suffix, then one hunk per changed run (line-level LCS is
    // overkill: fixes change lines in place and rarely add lines).
    let lcs = lcs_table(&a, &b);
    let mut ops = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let ctx = 2;
    let mut k = 0;
    while k < ops.len() {
        if ops[k].0 == ' ' {
            k += 1;
            continue;
        }
        let start = k.saturating_sub(ctx);
        let mut end = k;
        let mut last_change = k;
        while end < ops.len() && (ops[end].0 != ' ' || end - last_change <= ctx * 2) {
            if ops[end].0 != ' ' {
                last_change = end;
            }
            end += 1;
        }
        let end = (last_change + ctx + 1).min(ops.len());
        let old_start = ops[..start].iter().filter(|o| o.0 != '+').count() + 1;
        let new_start = ops[..start].iter().filter(|o| o.0 != '-').count() + 1;
        let old_len = ops[start..end].iter().filter(|o| o.0 != '+').count();
        let new_len = ops[start..end].iter().filter(|o| o.0 != '-').count();
        out.push_str(&format!(
            "@@ -{old_start},{old_len} +{new_start},{new_len} @@\n"
        ));
        for (op, line) in &ops[start..end] {
            out.push(*op);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
        k = end;
    }
    out
}

fn lcs_table(a: &[&str], b: &[&str]) -> Vec<Vec<u32>> {
    let mut t = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            t[i][j] = if a[i] == b[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    t
}

/// Writes `text` to `path` atomically: a temporary file in the same folder,
/// flushed, then renamed over the original (permissions kept).
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

pub fn run(paths: Vec<PathBuf>, write: bool) -> i32 {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    let configs = ConfigCache::new();
    let (targets, missing) = walk::collect(&paths);
    let mut failed = !missing.is_empty();
    for (p, why) in missing {
        eprintln!("tactful: {}: {why}", p.display());
    }
    let mut changed_files = 0;
    let mut total = 0;
    for t in targets {
        let cfg = match configs.for_file(&t.path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("tactful: config error: {e}");
                return 2;
            }
        };
        if !t.explicit
            && !cfg.is_included(&std::path::absolute(&t.path).unwrap_or_else(|_| t.path.clone()))
        {
            continue;
        }
        let text = match std::fs::read(&t.path).map(String::from_utf8) {
            Ok(Ok(s)) => s,
            Ok(Err(_)) => {
                eprintln!("tactful: {}: not valid UTF-8; skipped", t.path.display());
                failed = true;
                continue;
            }
            Err(e) => {
                eprintln!("tactful: {}: cannot read: {e}", t.path.display());
                failed = true;
                continue;
            }
        };
        match fixed_text(&cfg, &t.path, &text) {
            Ok((new, n)) if new != text => {
                changed_files += 1;
                total += n;
                if write {
                    if let Err(e) = write_atomic(&t.path, &new) {
                        eprintln!("tactful: {}: cannot write: {e}", t.path.display());
                        failed = true;
                    }
                } else {
                    // A closed pipe (`tactful fix | head`) is not an error.
                    let diff = unified_diff(&t.path.display().to_string(), &text, &new);
                    let _ =
                        std::io::Write::write_all(&mut std::io::stdout().lock(), diff.as_bytes());
                }
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("tactful: {}: {e}", t.path.display());
                failed = true;
            }
        }
    }
    let verb = if write { "applied" } else { "would apply" };
    eprintln!(
        "tactful: {verb} {total} fix{} in {changed_files} file{}",
        if total == 1 { "" } else { "es" },
        if changed_files == 1 { "" } else { "s" }
    );
    i32::from(failed)
}
