//! `tactful fix`: applies every preferred fix (repeating until stable), shows
//! a unified diff or writes files atomically; never writes a file it could not parse.

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
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    // Common leading and trailing lines are context; the line table covers
    // only the changed middle (fixes change lines in place and rarely add
    // lines), and a middle too large for it is shown as removed then added,
    // so time and memory stay linear in the file for large files.
    let head = old_lines
        .iter()
        .zip(&new_lines)
        .take_while(|(x, y)| x == y)
        .count();
    let tail = old_lines[head..]
        .iter()
        .rev()
        .zip(new_lines[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let a = &old_lines[head..old_lines.len() - tail];
    let b = &new_lines[head..new_lines.len() - tail];
    let mut ops: Vec<(char, &str)> = old_lines[..head].iter().map(|l| (' ', *l)).collect();
    if (a.len() + 1).saturating_mul(b.len() + 1) <= 1 << 22 {
        let lcs = lcs_table(a, b);
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
    } else {
        ops.extend(a.iter().map(|l| ('-', *l)));
        ops.extend(b.iter().map(|l| ('+', *l)));
    }
    ops.extend(
        old_lines[old_lines.len() - tail..]
            .iter()
            .map(|l| (' ', *l)),
    );
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    let ctx = 2;
    let mut k = 0;
    // Lines of each side before `counted` (running, so hunks cost linear time).
    let (mut counted, mut old_before, mut new_before) = (0, 0, 0);
    while k < ops.len() {
        if ops[k].0 == ' ' {
            k += 1;
            continue;
        }
        let start = k.saturating_sub(ctx).max(counted);
        let mut end = k;
        let mut last_change = k;
        while end < ops.len() && (ops[end].0 != ' ' || end - last_change <= ctx * 2) {
            if ops[end].0 != ' ' {
                last_change = end;
            }
            end += 1;
        }
        let end = (last_change + ctx + 1).min(ops.len());
        for (op, _) in &ops[counted..start] {
            old_before += usize::from(*op != '+');
            new_before += usize::from(*op != '-');
        }
        counted = start;
        let old_len = ops[start..end].iter().filter(|o| o.0 != '+').count();
        let new_len = ops[start..end].iter().filter(|o| o.0 != '-').count();
        out.push_str(&format!(
            "@@ -{},{old_len} +{},{new_len} @@\n",
            old_before + 1,
            new_before + 1
        ));
        for (op, line) in &ops[start..end] {
            out.push(*op);
            // Control characters from the file are escaped, never sent raw
            // to the terminal (the line break itself stays).
            let body = line.trim_end_matches('\n');
            let body = body.strip_suffix('\r').unwrap_or(body);
            out.push_str(&super::output::escape_controls(body));
            out.push_str(&line[body.len()..]);
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

/// The folders `fix --write` may write to: the current folder and every
/// folder named on the command line (a named file's own folder).
fn write_roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut roots = vec![PathBuf::from(".")];
    for p in paths {
        if p.is_dir() {
            roots.push(p.clone());
        } else if let Some(parent) = std::path::absolute(p)
            .ok()
            .and_then(|a| a.parent().map(Path::to_path_buf))
        {
            roots.push(parent);
        }
    }
    crate::write_guard::resolve_roots(&roots)
}

pub fn run(paths: Vec<PathBuf>, write: bool) -> i32 {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    let configs = ConfigCache::new();
    let roots = write_roots(&paths);
    let (targets, missing) = walk::collect(&paths);
    let mut failed = !missing.is_empty();
    for (p, why) in missing {
        eprintln!("tactful: {}: {why}", p.display());
    }
    let mut changed_files = 0;
    let mut total = 0;
    let mut unwritten = 0;
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
                if write {
                    match crate::write_guard::write_checked(&t.path, &roots, new.as_bytes()) {
                        Ok(()) => {
                            changed_files += 1;
                            total += n;
                        }
                        Err(e) => {
                            eprintln!(
                                "tactful: {}",
                                super::output::escape_controls(&e.to_string())
                            );
                            unwritten += 1;
                            failed = true;
                        }
                    }
                } else {
                    changed_files += 1;
                    total += n;
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
    if unwritten > 0 {
        eprintln!(
            "tactful: {unwritten} file{} with fixes {} not written (see above)",
            if unwritten == 1 { "" } else { "s" },
            if unwritten == 1 { "was" } else { "were" }
        );
    }
    i32::from(failed)
}
