//! `tactful baseline` and `check --baseline/--prune`: old findings stay
//! silent through unrelated edits and line shifts, a reworded flagged sentence
//! is new, a fixed one is a stale entry, and bad baseline files are one-line
//! errors (exit 2) that leave the file as it was.

mod ci_support;
use ci_support::*;

fn baseline_entries(p: &Project, file: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(&p.read(file)).unwrap();
    v["findings"].as_array().unwrap().clone()
}

fn project_with_baseline(name: &str) -> Project {
    let p = Project::new(name);
    p.write("replies/a.txt", TWO_FINDINGS);
    p.write("replies/b.txt", CLEAN);
    let r = p.tactful(&["baseline", "replies"]);
    assert_eq!(r.code, 0, "{}", r.log());
    p
}

#[test]
fn baseline_lists_every_finding_sorted_and_check_with_it_is_silent() {
    let p = project_with_baseline("silent");
    let entries = baseline_entries(&p, "tactful-baseline.json");
    assert_eq!(entries.len(), 2, "{entries:?}");
    let keys: Vec<(String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().into(),
                e["rule"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(keys.iter().all(|(path, _)| path == "replies/a.txt"));
    let text = p.read("tactful-baseline.json");
    assert!(
        !text.contains("\"line\""),
        "no line numbers in a baseline: {text}"
    );

    let without = p.tactful(&["check", "replies"]);
    assert_eq!(without.code, 1, "{}", without.log());
    let with = p.tactful(&[
        "check",
        "--baseline",
        "tactful-baseline.json",
        "--format",
        "json",
        "replies",
    ]);
    assert_eq!(with.code, 0, "{}", with.log());
    assert!(with.rules().is_empty(), "{}", with.log());
    // The same baseline works from another folder (paths are relative to the baseline).
    let sub = p.path().join("replies");
    let out = std::process::Command::new(tactful_bin())
        .args(["check", "--baseline", "../tactful-baseline.json", "."])
        .current_dir(&sub)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn edits_above_a_baselined_finding_keep_it_suppressed() {
    let p = project_with_baseline("shift");
    let shifted = format!(
        "Hi {{{{name}}}},\n\nA new first paragraph.\n\nAnother one, on two\nlines.\n{}",
        &TWO_FINDINGS["Hi {{name}},\n".len()..]
    );
    p.write("replies/a.txt", &shifted);
    let r = p.tactful(&[
        "check",
        "--baseline",
        "tactful-baseline.json",
        "--format",
        "json",
        "replies",
    ]);
    assert_eq!(r.code, 0, "{}", r.log());
    assert!(r.rules().is_empty(), "{}", r.log());
    assert!(!r.stderr.contains("no longer match"), "{}", r.log());
}

#[test]
fn changing_the_flagged_sentence_reports_it() {
    let p = project_with_baseline("reworded");
    p.write(
        "replies/a.txt",
        &TWO_FINDINGS.replace(
            "checked the expiry date first",
            "read the card's expiry date",
        ),
    );
    let r = p.tactful(&[
        "check",
        "--baseline",
        "tactful-baseline.json",
        "--format",
        "json",
        "replies",
    ]);
    assert_eq!(r.code, 1, "{}", r.log());
    let rules = r.rules();
    assert_eq!(rules.len(), 1, "{}", r.log());
    assert!(rules[0].1.starts_with("blame-customer"), "{rules:?}");
    // The old entry for that sentence is now stale.
    assert!(
        r.stderr
            .contains("1 entry in tactful-baseline.json no longer match"),
        "{}",
        r.log()
    );
}

#[test]
fn a_second_copy_of_a_baselined_sentence_is_new() {
    let p = project_with_baseline("copies");
    p.write(
        "replies/a.txt",
        &format!("{TWO_FINDINGS}\nYou should have checked the expiry date first.\n"),
    );
    let r = p.tactful(&[
        "check",
        "--baseline",
        "tactful-baseline.json",
        "--format",
        "json",
        "replies",
    ]);
    assert_eq!(r.code, 1, "{}", r.log());
    assert_eq!(r.rules().len(), 1, "{}", r.log());
}

#[test]
fn deleting_a_baselined_sentence_makes_it_stale_and_prune_removes_it() {
    let p = project_with_baseline("stale");
    p.write(
        "replies/a.txt",
        &TWO_FINDINGS.replace("You should have checked the expiry date first.\n", ""),
    );
    let r = p.tactful(&["check", "--baseline", "tactful-baseline.json", "replies"]);
    assert_eq!(r.code, 0, "{}", r.log());
    assert!(
        r.stderr
            .contains("no longer match (fixed since); run with --prune"),
        "{}",
        r.log()
    );
    assert_eq!(
        baseline_entries(&p, "tactful-baseline.json").len(),
        2,
        "not pruned without --prune"
    );

    let r = p.tactful(&[
        "check",
        "--baseline",
        "tactful-baseline.json",
        "--prune",
        "replies",
    ]);
    assert_eq!(r.code, 0, "{}", r.log());
    assert!(
        r.stderr.contains("stale: replies/a.txt [blame-customer"),
        "{}",
        r.log()
    );
    let left = baseline_entries(&p, "tactful-baseline.json");
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(
        left[0]["rule"].as_str().unwrap().starts_with("minimizing"),
        "{left:?}"
    );
    // Pruned once: nothing stale any more.
    let r = p.tactful(&["check", "--baseline", "tactful-baseline.json", "replies"]);
    assert!(!r.stderr.contains("no longer match"), "{}", r.log());
}

#[test]
fn prune_keeps_entries_of_files_not_checked_this_run() {
    let p = Project::new("subset");
    p.write("a/one.txt", TWO_FINDINGS);
    p.write("b/two.txt", TWO_FINDINGS);
    assert_eq!(p.tactful(&["baseline", "a", "b"]).code, 0);
    let r = p.tactful(&[
        "check",
        "--baseline",
        "tactful-baseline.json",
        "--prune",
        "a",
    ]);
    assert_eq!(r.code, 0, "{}", r.log());
    assert_eq!(baseline_entries(&p, "tactful-baseline.json").len(), 4);
}

#[test]
fn the_baseline_file_itself_is_never_linted_when_walking() {
    let p = project_with_baseline("self");
    // The baseline quotes flagged text; walking `.` must not report it.
    let r = p.tactful(&["check", "--format", "json", "."]);
    let paths: Vec<String> = r.rules().into_iter().map(|(p, _)| p).collect();
    assert!(
        paths.iter().all(|p| !p.contains("tactful-baseline")),
        "{paths:?}"
    );
    let r = p.tactful(&["check", "--baseline", "tactful-baseline.json", "."]);
    assert_eq!(r.code, 0, "{}", r.log());
}

fn assert_bad_baseline(p: &Project, content: &str, expect: &str) {
    p.write("bad.json", content);
    let r = p.tactful(&["check", "--baseline", "bad.json", "replies"]);
    assert_eq!(r.code, 2, "{}", r.log());
    assert_eq!(r.stderr.trim().lines().count(), 1, "one line: {}", r.log());
    assert!(r.stderr.contains("bad.json"), "names the file: {}", r.log());
    assert!(r.stderr.contains(expect), "says {expect:?}: {}", r.log());
    assert!(r.stdout.is_empty(), "nothing linted: {}", r.log());
    assert_eq!(p.read("bad.json"), content, "the file is left as it was");
    // --prune never touches a file it could not read either.
    let r = p.tactful(&["check", "--baseline", "bad.json", "--prune", "replies"]);
    assert_eq!(r.code, 2);
    assert_eq!(p.read("bad.json"), content);
}

#[test]
fn a_corrupt_baseline_is_a_one_line_error() {
    let p = project_with_baseline("corrupt");
    let good = p.read("tactful-baseline.json");
    assert_bad_baseline(&p, &good[..good.len() / 2], "invalid JSON");
}

#[test]
fn a_foreign_json_file_is_not_a_baseline() {
    let p = project_with_baseline("foreign");
    assert_bad_baseline(
        &p,
        "{\"name\": \"my-docs\", \"version\": \"1.0.0\"}\n",
        "not a tactful baseline",
    );
    assert_bad_baseline(&p, "[1, 2, 3]\n", "not a tactful baseline");
}

#[test]
fn a_baseline_from_another_tactful_version_is_an_error() {
    let p = project_with_baseline("version");
    let good = p.read("tactful-baseline.json");
    let other_format = good.replacen("\"tactful_baseline\": 1", "\"tactful_baseline\": 2", 1);
    assert_bad_baseline(&p, &other_format, "baseline format 2");
    let newer = good.replacen(
        &format!("\"tactful_version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"tactful_version\": \"99.0.0\"",
        1,
    );
    assert_ne!(newer, good);
    assert_bad_baseline(&p, &newer, "tactful 99.0.0, newer than this tactful");
    let missing = p.tactful(&["check", "--baseline", "nope.json", "replies"]);
    assert_eq!(missing.code, 2, "{}", missing.log());
    assert!(
        missing
            .stderr
            .contains("nope.json: cannot read the baseline"),
        "{}",
        missing.log()
    );
}

#[test]
fn an_unwritable_baseline_path_is_a_one_line_error() {
    let p = Project::new("unwritable");
    p.write("replies/a.txt", TWO_FINDINGS);
    let r = p.tactful(&["baseline", "replies", "-o", "no/such/folder/base.json"]);
    assert_eq!(r.code, 2, "{}", r.log());
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.log());
    assert!(
        r.stderr
            .contains("no/such/folder/base.json: cannot write the baseline"),
        "{}",
        r.log()
    );
    assert!(!p.path().join("no").exists());
}
