//! Only what changed: `--diff-base REF` in a real git repository made in a
//! temp folder, and `--changed-lines FILE|-` with a unified diff, report only
//! findings on added or modified lines; bad diffs are one-line errors (exit 2).

mod ci_support;
use ci_support::*;

/// A repository on `main` with an old finding, then a branch that adds one
/// flagged line, rewords a clean line and leaves the old finding alone.
fn repo_with_change(name: &str) -> Project {
    let p = Project::new(name);
    p.write("kb/old.txt", TWO_FINDINGS);
    p.write("kb/untouched.txt", TWO_FINDINGS);
    p.git_init();
    p.git(&["checkout", "-q", "-b", "feature"]);
    let changed = TWO_FINDINGS
        .replace("Thanks for waiting.", "Thanks a lot for waiting.")
        .replace(
            "Hi {{name}},\n",
            "Hi {{name}},\n\nObviously, the link expires after a day.\n",
        );
    p.write("kb/old.txt", &changed);
    p.git(&["commit", "-q", "-am", "edit"]);
    p
}

fn lines_of(r: &Run) -> Vec<(String, String, u64)> {
    r.findings()
}

#[test]
fn diff_base_reports_only_findings_on_added_or_modified_lines() {
    let p = repo_with_change("diffbase");
    let all = p.tactful(&["check", "--format", "json", "kb"]);
    assert!(lines_of(&all).len() >= 5, "{}", all.log());

    let r = p.tactful(&["check", "--diff-base", "main", "--format", "json"]);
    let found = lines_of(&r);
    // Line 3 (new "Obviously") and the "Just restart" on the reworded line 7 are
    // reported; the old "You should have" (now line 5) is not.
    let rules: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
    assert!(
        found.iter().all(|f| f.0 == "kb/old.txt"),
        "only the changed file: {found:?}"
    );
    assert!(
        rules.iter().any(|r| r.starts_with("minimizing.obviously")),
        "{found:?}"
    );
    assert!(
        !rules.iter().any(|r| r.starts_with("blame-customer")),
        "old line stays silent: {found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.2 == 7 && f.1.starts_with("minimizing.just")),
        "a modified line counts: {found:?}"
    );
    assert_eq!(r.code, 1, "{}", r.log());

    // Nothing changed since HEAD: nothing to report, exit 0.
    let r = p.tactful(&["check", "--diff-base", "HEAD", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.log());
    assert!(lines_of(&r).is_empty(), "{}", r.log());
}

#[test]
fn diff_base_counts_working_tree_edits_and_untracked_files() {
    let p = repo_with_change("worktree");
    p.write(
        "kb/new.txt",
        "Hi,\n\nYou should have checked the expiry date first.\n",
    );
    let r = p.tactful(&["check", "--diff-base", "HEAD", "--format", "json"]);
    let found = lines_of(&r);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "kb/new.txt");
    // Given paths are linted, but still filtered to the change.
    let r = p.tactful(&[
        "check",
        "--diff-base",
        "HEAD",
        "--format",
        "json",
        "kb/old.txt",
    ]);
    assert!(lines_of(&r).is_empty(), "{}", r.log());
}

#[test]
fn changed_lines_reads_a_unified_diff_from_stdin_or_a_file() {
    let p = repo_with_change("stdin");
    let diff = p.git(&["diff", "main"]);
    let r = p.tactful_stdin(
        &["check", "--changed-lines", "-", "--format", "json"],
        Some(&diff),
    );
    let from_stdin = lines_of(&r);
    let r2 = p.tactful(&["check", "--diff-base", "main", "--format", "json"]);
    assert_eq!(from_stdin, lines_of(&r2), "{}", r.log());
    // `diff -u` style (no a/ b/ prefixes), from a file.
    let plain = diff.replace("a/kb/", "kb/").replace("b/kb/", "kb/");
    p.write("change.diff", &plain);
    let r3 = p.tactful(&[
        "check",
        "--changed-lines",
        "change.diff",
        "--format",
        "json",
    ]);
    assert_eq!(lines_of(&r3), from_stdin, "{}", r3.log());
    // Combined with a baseline of main's findings: still only the new ones.
    p.git(&["stash", "-q"]);
    p.git(&["checkout", "-q", "main"]);
    assert_eq!(p.tactful(&["baseline", "kb"]).code, 0);
    p.git(&["checkout", "-q", "feature"]);
    let r4 = p.tactful(&[
        "check",
        "--changed-lines",
        "change.diff",
        "--baseline",
        "tactful-baseline.json",
        "--format",
        "json",
    ]);
    let rules: Vec<String> = lines_of(&r4).into_iter().map(|f| f.1).collect();
    assert!(
        rules.iter().any(|r| r.starts_with("minimizing.obviously")),
        "{}",
        r4.log()
    );
}

fn assert_one_line_error(r: &Run, expect: &str) {
    assert_eq!(r.code, 2, "{}", r.log());
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.log());
    assert!(
        r.stderr.contains(expect),
        "expected {expect:?}: {}",
        r.log()
    );
    assert!(r.stdout.is_empty(), "{}", r.log());
}

#[test]
fn a_diff_naming_a_missing_file_is_an_error_naming_it() {
    let p = repo_with_change("missing");
    let diff = "--- a/kb/gone.txt\n+++ b/kb/gone.txt\n@@ -1 +1 @@\n-a\n+b\n";
    p.write("x.diff", diff);
    let r = p.tactful(&["check", "--changed-lines", "x.diff"]);
    assert_one_line_error(&r, "x.diff: names b/kb/gone.txt, which does not exist");
}

#[test]
fn text_that_is_not_a_diff_and_bad_refs_are_errors() {
    let p = repo_with_change("notdiff");
    p.write("x.diff", "this is not a diff\n");
    assert_one_line_error(
        &p.tactful(&["check", "--changed-lines", "x.diff"]),
        "x.diff: no `+++` file headers",
    );
    assert_one_line_error(
        &p.tactful(&["check", "--changed-lines", "nope.diff"]),
        "nope.diff: cannot read the diff",
    );
    assert_one_line_error(
        &p.tactful(&["check", "--diff-base", "no-such-branch"]),
        "--diff-base no-such-branch: `git merge-base no-such-branch HEAD` failed",
    );
    p.write(
        "bad.diff",
        "--- a/kb/old.txt\n+++ b/kb/old.txt\n@@ -x +y @@\n",
    );
    assert_one_line_error(
        &p.tactful(&["check", "--changed-lines", "bad.diff"]),
        "bad.diff: line 3: malformed hunk header",
    );
}

#[test]
fn outside_a_git_repository_diff_base_is_an_error() {
    let p = Project::outside_git("nogit");
    p.write("a.txt", TWO_FINDINGS);
    let r = p.tactful(&["check", "--diff-base", "main"]);
    assert_eq!(r.code, 2, "{}", r.log());
    assert!(
        r.stderr.contains("git rev-parse --show-toplevel"),
        "{}",
        r.log()
    );
}
