//! Only what changed: the lines a change adds or modifies, read from a unified
//! diff (`--changed-lines FILE|-`) or from git (`--diff-base REF`), and the
//! filter that keeps only findings on those lines (reviewdog's `added` filter).
//!
//! The diff reader is hand-written on purpose: it needs only the `+++` file
//! headers and the `@@` hunk ranges, must skip git's extended headers (modes,
//! renames, binary notices) and must count hunk lines so content that starts
//! with `+++` is not taken for a header; the diff crates we looked at parse
//! whole patches for applying them and reject git's extra header lines.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::baseline::normalize;
use super::output::{FileReport, LineIndex};

/// Which lines (1-based) of which files (normalised absolute paths) are new.
#[derive(Debug, Default)]
pub struct ChangedLines {
    files: HashMap<PathBuf, Lines>,
}

#[derive(Debug)]
enum Lines {
    /// A file git does not track yet: every line is new.
    All,
    Some(BTreeSet<usize>),
}

/// One file of a diff as written in its `+++` header, with its added lines.
#[derive(Debug, PartialEq, Eq)]
pub struct DiffFile {
    pub path: String,
    pub added: BTreeSet<usize>,
}

fn header_path(rest: &str) -> Option<String> {
    // `+++ b/path\t2024-01-01 ...` (timestamps after a tab), possibly quoted.
    let p = rest.split('\t').next().unwrap_or(rest).trim_end();
    let p = p
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or(p);
    if p == "/dev/null" {
        return None;
    }
    Some(p.to_string())
}

fn hunk_header(line: &str) -> Option<(usize, usize, usize)> {
    // @@ -a[,b] +c[,d] @@ ...
    let rest = line.strip_prefix("@@ -")?;
    let (old, rest) = rest.split_once(" +")?;
    let (new, _) = rest.split_once(" @@")?;
    let count = |s: &str| -> Option<(usize, usize)> {
        match s.split_once(',') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => Some((s.parse().ok()?, 1)),
        }
    };
    let (_, old_n) = count(old)?;
    let (new_start, new_n) = count(new)?;
    Some((old_n, new_start, new_n))
}

/// Parses a unified diff (git's or `diff -u`'s). Errors name the diff line.
pub fn parse_unified_diff(text: &str) -> Result<Vec<DiffFile>, String> {
    let mut files: Vec<DiffFile> = Vec::new();
    let mut current: Option<usize> = None;
    let mut in_file = false;
    let mut old_left = 0usize;
    let mut new_left = 0usize;
    let mut line_no = 0usize;
    let mut saw_header = false;
    for (i, line) in text.lines().enumerate() {
        let at = i + 1;
        if old_left > 0 || new_left > 0 {
            match line.as_bytes().first() {
                Some(b'+') => {
                    if let Some(c) = current {
                        files[c].added.insert(line_no);
                    }
                    line_no += 1;
                    new_left = new_left.saturating_sub(1);
                }
                Some(b'-') => old_left = old_left.saturating_sub(1),
                Some(b'\\') => {}
                Some(b' ') | None => {
                    line_no += 1;
                    old_left = old_left.saturating_sub(1);
                    new_left = new_left.saturating_sub(1);
                }
                Some(_) => {
                    return Err(format!(
                        "line {at}: hunk ends early (expected {old_left} more old and {new_left} more new lines)"
                    ))
                }
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("+++ ") {
            saw_header = true;
            in_file = true;
            current = header_path(rest).map(|path| {
                files.push(DiffFile {
                    path,
                    added: BTreeSet::new(),
                });
                files.len() - 1
            });
        } else if line.starts_with("@@ ") {
            if !in_file {
                return Err(format!("line {at}: a hunk before any `+++` file header"));
            }
            let (old_n, new_start, new_n) = hunk_header(line)
                .ok_or_else(|| format!("line {at}: malformed hunk header {line:?}"))?;
            old_left = old_n;
            new_left = new_n;
            line_no = new_start;
        }
        // Anything else between files (diff --git, index, ---, mode lines) is skipped.
    }
    if !saw_header && !text.trim().is_empty() {
        return Err("no `+++` file headers: expected a unified diff (git diff or diff -u)".into());
    }
    Ok(files)
}

impl ChangedLines {
    /// From a diff file (`-` = stdin). Paths resolve against the current folder,
    /// then (for `b/`-prefixed or repository-relative paths) the git top level.
    pub fn from_diff_file(file: &Path) -> Result<ChangedLines, String> {
        let shown = if file.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            file.display().to_string()
        };
        let text = if file.as_os_str() == "-" {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                .map_err(|e| format!("{shown}: cannot read the diff: {e}"))?;
            s
        } else {
            std::fs::read_to_string(file)
                .map_err(|e| format!("{shown}: cannot read the diff: {e}"))?
        };
        let files = parse_unified_diff(&text).map_err(|e| format!("{shown}: {e}"))?;
        let cwd =
            std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
        let top = git_toplevel(&cwd).ok();
        let mut out = ChangedLines::default();
        for f in files {
            let p = resolve(&f.path, &cwd, top.as_deref()).ok_or_else(|| {
                format!(
                    "{shown}: names {}, which does not exist here; run from the folder the diff was made in",
                    f.path
                )
            })?;
            out.add(p, Lines::Some(f.added));
        }
        Ok(out)
    }

    /// What `git diff` shows against the merge base of `base` and HEAD, plus
    /// untracked files (every line new).
    pub fn from_git(base: &str) -> Result<ChangedLines, String> {
        let cwd =
            std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
        let top = git_toplevel(&cwd)?;
        let merge_base = git(&top, &["merge-base", base, "HEAD"])
            .map_err(|e| format!("--diff-base {base}: {e}"))?;
        let merge_base = merge_base.trim();
        let diff = git(
            &top,
            &[
                "diff",
                "--no-color",
                "--no-ext-diff",
                "--unified=0",
                "--no-renames",
                merge_base,
                "--",
            ],
        )
        .map_err(|e| format!("--diff-base {base}: {e}"))?;
        let files = parse_unified_diff(&diff).map_err(|e| format!("git diff {merge_base}: {e}"))?;
        let mut out = ChangedLines::default();
        for f in files {
            let rel = f.path.strip_prefix("b/").unwrap_or(&f.path);
            out.add(normalize(&top.join(rel)), Lines::Some(f.added));
        }
        let untracked = git(&top, &["ls-files", "--others", "--exclude-standard", "-z"])
            .map_err(|e| format!("--diff-base {base}: {e}"))?;
        for rel in untracked.split('\0').filter(|s| !s.is_empty()) {
            out.add(normalize(&top.join(rel)), Lines::All);
        }
        Ok(out)
    }

    fn add(&mut self, path: PathBuf, lines: Lines) {
        match (self.files.get_mut(&path), lines) {
            (Some(Lines::Some(have)), Lines::Some(more)) => have.extend(more),
            (Some(Lines::All), _) => {}
            (_, lines) => {
                self.files.insert(path, lines);
            }
        }
    }

    /// The changed files that still exist (what to lint when no paths are
    /// given), relative to the current folder when inside it, sorted.
    pub fn files(&self) -> Vec<PathBuf> {
        let cwd = std::env::current_dir()
            .map(|d| normalize(&d))
            .unwrap_or_default();
        let mut v: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|p| p.is_file())
            .map(|p| {
                p.strip_prefix(&cwd)
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|_| p.clone())
            })
            .collect();
        v.sort();
        v
    }

    /// Keeps only findings on changed lines; a file outside the change keeps none.
    /// A multi-line finding counts when any of its lines changed; a
    /// document-level finding when its first line did.
    pub fn filter(&self, reports: &mut [FileReport]) {
        for r in reports.iter_mut() {
            let lines = self.files.get(&normalize(Path::new(&r.path)));
            let Some(res) = r.result.as_mut() else {
                if lines.is_none() {
                    r.error = None;
                }
                continue;
            };
            match lines {
                None => res.findings.clear(),
                Some(Lines::All) => {}
                Some(Lines::Some(set)) => {
                    let idx = LineIndex::new(&r.text);
                    res.findings.retain(|f| {
                        let first = idx.position(f.range.start).0 + 1;
                        let last = if f.category.is_document_level() {
                            first
                        } else {
                            idx.position(f.range.end.saturating_sub(1).max(f.range.start))
                                .0
                                + 1
                        };
                        set.range(first..=last).next().is_some()
                    });
                }
            }
        }
    }
}

fn resolve(path: &str, cwd: &Path, top: Option<&Path>) -> Option<PathBuf> {
    let stripped = path.strip_prefix("b/").or_else(|| path.strip_prefix("./"));
    let mut candidates = vec![cwd.join(path)];
    if let Some(s) = stripped {
        candidates.push(cwd.join(s));
    }
    if let Some(t) = top {
        candidates.push(t.join(path));
        if let Some(s) = stripped {
            candidates.push(t.join(s));
        }
    }
    candidates
        .into_iter()
        .find(|c| c.is_file())
        .map(|c| normalize(&c))
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().next().unwrap_or("").trim();
        return Err(format!("`git {}` failed: {first}", args.join(" ")));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("`git {}` printed non-UTF-8", args.join(" ")))
}

fn git_toplevel(cwd: &Path) -> Result<PathBuf, String> {
    let top = git(cwd, &["rev-parse", "--show-toplevel"])?;
    Ok(normalize(Path::new(top.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_are_counted_through_context_and_removals() {
        let diff = "diff --git a/x.md b/x.md\nindex 1..2 100644\n--- a/x.md\n+++ b/x.md\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n+++C\n c\n@@ -10,0 +12,2 @@\n+x\n+y\n";
        let files = parse_unified_diff(diff).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].path, "b/x.md");
        assert_eq!(
            files[0].added.iter().copied().collect::<Vec<_>>(),
            vec![2, 3, 12, 13]
        );
    }

    #[test]
    fn deleted_files_and_empty_diffs_add_nothing() {
        assert!(parse_unified_diff("").unwrap().is_empty());
        let d = "--- a/gone.md\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n";
        assert!(parse_unified_diff(d).unwrap().is_empty());
    }

    #[test]
    fn text_that_is_not_a_diff_is_an_error() {
        assert!(parse_unified_diff("hello\nworld\n").is_err());
        assert!(parse_unified_diff("@@ -1 +1 @@\n+a\n").is_err());
    }
}
