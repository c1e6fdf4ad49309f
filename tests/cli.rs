//! Drives the `tactful` binary end to end: output formats (snapshots), exit
//! codes, stdin, per-file errors, config errors, fix --diff/--write, rules, init.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tactful"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli")
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Copies the fixture project into a temp dir so tests can write. The temp
/// dir is a repository (a `.git` folder), as the fixtures' own tree is: the
/// config's `../packs/sample.toml` stays inside it.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let packs = dir.path().join("packs");
    std::fs::create_dir_all(&packs).unwrap();
    std::fs::copy(
        fixtures().join("../packs/sample.toml"),
        packs.join("sample.toml"),
    )
    .unwrap();
    let proj = dir.path().join("cli");
    std::fs::create_dir_all(proj.join("kb")).unwrap();
    for f in ["tactful.toml", "reply.txt", "kb/reset.md"] {
        std::fs::copy(fixtures().join(f), proj.join(f)).unwrap();
    }
    dir
}

#[test]
fn human_output_underlines_the_span() {
    let o = run_in(&fixtures(), &["check", "reply.txt"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("human_reply", stdout(&o));
}

#[test]
fn json_output_is_the_documented_schema() {
    let o = run_in(
        &fixtures(),
        &["check", "--format", "json", "reply.txt", "kb"],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let d = &v["files"][1]["diagnostics"][0];
    for key in [
        "rule",
        "category",
        "severity",
        "message",
        "range",
        "byte_range",
        "fixes",
    ] {
        assert!(!d[key].is_null(), "missing {key}");
    }
    insta::assert_json_snapshot!("json_reply_and_kb", v);
}

#[test]
fn kb_articles_skip_code_front_matter_quotes_and_conditionals() {
    let o = run_in(&fixtures(), &["check", "--format", "json", "kb/reset.md"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(v["files"][0]["kind"], "kb");
    // "Just click" is prose; `just do-it` is code; the quote and the "If you forgot" line are not flagged.
    assert_eq!(rules, vec!["minimizing.just"], "{v:#}");
}

#[test]
fn sarif_and_github_formats() {
    let o = run_in(&fixtures(), &["check", "--format", "sarif", "reply.txt"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(v["runs"][0]["results"].as_array().unwrap().len() >= 3);
    // House rules (not in the built-in packs) are still described, and no
    // link is invented when the project names no repository.
    for rule in v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty(),
            "{rule}"
        );
        assert!(rule.get("helpUri").is_none(), "{rule}");
    }
    let o = run_in(&fixtures(), &["check", "--format", "github", "reply.txt"]);
    insta::assert_snapshot!("github_reply", stdout(&o));
}

#[test]
fn stdin_uses_the_given_file_name() {
    let v = check_stdin(&fixtures(), "notes/x.txt", "Please calm down.");
    assert_eq!(v["files"][0]["path"], "notes/x.txt");
    assert_eq!(v["files"][0]["kind"], "internal-note");
    assert_eq!(
        v["files"][0]["diagnostics"][0]["rule"],
        "emotion-policing.calm-down"
    );
}

/// `tactful check --format json -` run in `dir` on `text` named `name`.
fn check_stdin(dir: &Path, name: &str, text: &str) -> serde_json::Value {
    let mut child = bin()
        .args(["check", "--format", "json", "-", "--stdin-filename", name])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = project();
    let proj = dir.path().join("cli");
    std::fs::write(
        proj.join("clean.txt"),
        "Thanks for writing in. I have refunded the charge today.",
    )
    .unwrap();
    assert_eq!(
        run_in(&proj, &["check", "clean.txt"]).status.code(),
        Some(0)
    );
    assert_eq!(
        run_in(&proj, &["check", "reply.txt"]).status.code(),
        Some(1)
    );
    assert_eq!(
        run_in(&proj, &["check", "--fail-on", "error", "reply.txt"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run_in(
            &proj,
            &[
                "check",
                "--fail-on",
                "never",
                "--max-warnings",
                "1",
                "reply.txt"
            ]
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(run_in(&proj, &["check", "--bogus"]).status.code(), Some(2));
}

#[test]
fn bad_files_are_reported_and_the_run_continues() {
    let dir = project();
    let proj = dir.path().join("cli");
    std::fs::write(proj.join("latin1.txt"), b"caf\xe9 you forgot to pay").unwrap();
    std::fs::write(proj.join("big.txt"), "x".repeat(2000)).unwrap();
    let o = run_in(
        &proj,
        &["check", "--format", "json", "--max-file-size", "1000", "."],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = v["files"].as_array().unwrap();
    let by_name = |n: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(n))
            .unwrap()
            .clone()
    };
    assert!(by_name("latin1.txt")["error"]
        .as_str()
        .unwrap()
        .contains("not valid UTF-8 at byte 3 (line 1)"));
    assert!(by_name("big.txt")["error"]
        .as_str()
        .unwrap()
        .contains("--max-file-size"));
    assert!(
        !by_name("reply.txt")["diagnostics"]
            .as_array()
            .unwrap()
            .is_empty(),
        "other files still linted"
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn config_errors_name_file_and_line_and_exit_2() {
    let dir = project();
    let proj = dir.path().join("cli");
    std::fs::write(
        proj.join("tactful.toml"),
        "builtin = false\n[severity]\nminimizing = \"loud\"\n",
    )
    .unwrap();
    let o = run_in(&proj, &["check", "reply.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("tactful.toml:3:"), "{err}");
    assert!(err.contains("loud"), "{err}");
}

#[test]
fn fix_diff_then_write_atomically_keeping_placeholders() {
    let dir = project();
    let proj = dir.path().join("cli");
    let before = std::fs::read_to_string(proj.join("reply.txt")).unwrap();
    let o = run_in(&proj, &["fix", "reply.txt"]);
    assert_eq!(
        std::fs::read_to_string(proj.join("reply.txt")).unwrap(),
        before,
        "--diff is a dry run"
    );
    insta::assert_snapshot!("fix_diff", stdout(&o));
    let o = run_in(&proj, &["fix", "--write", "reply.txt"]);
    assert_eq!(o.status.code(), Some(0));
    let after = std::fs::read_to_string(proj.join("reply.txt")).unwrap();
    assert_ne!(after, before);
    assert!(
        after.starts_with("Hi {{customer.first_name}},\n\n"),
        "{after}"
    );
    let o = run_in(&proj, &["check", "--format", "json", "reply.txt"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let left: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(
        !left.contains(&"blame-customer.you-failed") && !left.contains(&"minimizing.just"),
        "{left:?}"
    );
    // No temp files left behind.
    let names: Vec<_> = std::fs::read_dir(&proj)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn rules_list_explain_and_init() {
    let o = run_in(&fixtures(), &["rules", "explain", "minimizing.just"]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(
        s.contains("Why:") && s.contains("\"minimizing.just\" = \"off\""),
        "{s}"
    );
    assert_eq!(
        run_in(&fixtures(), &["rules", "explain", "nope.nope"])
            .status
            .code(),
        Some(2)
    );
    let o = run_in(&fixtures(), &["rules", "list"]);
    assert!(stdout(&o).contains("blame-customer.you-failed"));
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_in(dir.path(), &["init"]).status.code(), Some(0));
    assert!(dir.path().join("tactful.toml").exists());
    assert_eq!(
        run_in(dir.path(), &["init"]).status.code(),
        Some(2),
        "never overwrites silently"
    );
    assert_eq!(
        run_in(dir.path(), &["check", "."]).status.code(),
        Some(0),
        "the written config is valid"
    );
}

#[test]
fn directives_silence_rules() {
    let dir = project();
    let proj = dir.path().join("cli");
    std::fs::write(
        proj.join("d.txt"),
        "{{! tactful-disable-next-line minimizing }}\nJust retry.\nJust retry.\n\n{{! tactful-disable }}\nYou forgot to pay.\n{{! tactful-enable }}\nYou forgot to pay.\n",
    )
    .unwrap();
    let o = run_in(&proj, &["check", "--format", "json", "d.txt"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lines: Vec<(String, u64)> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            ("minimizing.just".to_string(), 2),
            ("blame-customer.you-failed".to_string(), 7)
        ]
    );
}

/// The bundled examples lint as their names say: the good reply is clean at
/// every severity a user sees by default, and every other example (a bad
/// reply, macro export, KB article or internal note) gets warnings.
#[test]
fn bundled_examples_lint_as_their_names_say() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = bin()
        .current_dir(root)
        .args([
            "check",
            "examples",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = report["files"].as_array().unwrap();
    assert!(files.len() >= 6, "{files:?}");
    for f in files {
        let path = f["path"].as_str().unwrap();
        let warnings = f["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] != "info")
            .count();
        if path.contains("good-") {
            assert_eq!(warnings, 0, "{path} should be clean: {}", f["diagnostics"]);
        } else {
            assert!(warnings > 0, "{path} should be flagged");
        }
    }
}

/// Lints `text` as the file `name` (read from stdin) with the built-in packs
/// and returns the rule ids found.
fn rules_found(name: &str, text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let v = check_stdin(dir.path(), name, text);
    v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn messages_a_product_displays_are_not_the_writers_apologies() {
    // An article quoting what the product shows: not the writer's voice.
    let quoting = "# Excel closes on start\n\nYou receive the following error message:\n\n\
        **Microsoft Excel has encountered a problem and needs to close. We are sorry for the inconvenience.**\n\n\
        *Sorry, no quotes are available for this order at this time* error is displayed.\n\n\
        The following error message is received in the email: *We're sorry, an error has occurred.*\n";
    for name in ["kb/excel.md", "kb/excel.html"] {
        let text = if name.ends_with(".html") {
            quoting
                .replace(
                    "# Excel closes on start\n",
                    "<h1>Excel closes on start</h1>",
                )
                .replace("**Microsoft", "<p><strong>Microsoft")
                .replace("inconvenience.**", "inconvenience.</strong></p>")
                .replace(
                    "*Sorry, no quotes are available for this order at this time*",
                    "<p><em>Sorry, no quotes are available for this order at this time</em>",
                )
                .replace(
                    "*We're sorry, an error has occurred.*",
                    "<em>We're sorry, an error has occurred.</em></p>",
                )
        } else {
            quoting.to_string()
        };
        let found = rules_found(name, &text);
        assert!(
            !found
                .iter()
                .any(|r| r.starts_with("over-apology") || r.starts_with("non-apology")),
            "{name}: {found:?}"
        );
    }
    // The same apologies in the writer's own words are flagged.
    let own = "# Excel closes on start\n\nWe are sorry for the inconvenience. We're so sorry this happened. \
        Sorry again that the fix is late.\n";
    let found = rules_found("kb/excel.md", own);
    assert!(
        found.iter().any(|r| r == "over-apology.density-kb"),
        "{found:?}"
    );
    assert!(
        found.iter().any(|r| r == "non-apology.the-inconvenience"),
        "{found:?}"
    );
}
