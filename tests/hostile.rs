//! Hostile input through the real binary: patterns that used to overflow the
//! stack or match in exponential time, packs that block or never end, huge
//! single lines, terminal escapes, and writes outside the tree. Every run is
//! a subprocess with a generous timeout: a test asserts that it finished
//! (and what it printed), never how fast.

mod lsp_client;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// What a finished run produced.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary in `dir`; panics when it has not finished after `limit`
/// (then it is killed): that is a hang.
fn run_limited(dir: &Path, args: &[&str], stdin: Option<&[u8]>, limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tactful"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    if let Some(bytes) = stdin {
        use std::io::Write;
        let mut w = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = w.write_all(&bytes);
        });
    }
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let o = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let e = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`tactful {}` did not finish within {limit:?}",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&o.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&e.join().unwrap()).into_owned(),
    }
}

const LIMIT: Duration = Duration::from_secs(180);

fn check(dir: &Path, args: &[&str]) -> Run {
    run_limited(dir, args, None, LIMIT)
}

/// A project folder whose tactful.toml adds one house rule.
fn house_project(pattern: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let escaped = pattern.replace('\\', "\\\\").replace('"', "\\\"");
    std::fs::write(
        dir.path().join("house.toml"),
        format!(
            "[[rule]]\nid = \"house.x\"\ncategory = \"minimizing\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"{escaped}\"]\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tactful.toml"),
        "builtin = false\npacks = [\"house.toml\"]\n",
    )
    .unwrap();
    dir
}

fn findings(run: &Run) -> Vec<Value> {
    let v: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("json output ({e}): {}", &run.stderr));
    v["files"][0]["diagnostics"].as_array().unwrap().clone()
}

// ---- 1. crashes: deep patterns are located errors ----

#[test]
fn ten_thousand_nested_groups_are_a_located_pattern_error_not_a_crash() {
    let p = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
    let dir = house_project(&p);
    std::fs::write(dir.path().join("t.txt"), "a a a\n").unwrap();
    let r = check(dir.path(), &["check", "t.txt"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("house.toml:6:"), "{}", r.stderr);
    assert!(r.stderr.contains("nest deeper"), "{}", r.stderr);
    assert!(
        r.stderr.len() < 1000,
        "the error does not echo the whole pattern"
    );
}

#[test]
fn a_hundred_thousand_question_marks_are_a_located_pattern_error_not_a_crash() {
    let dir = house_project(&format!("a{}", "?".repeat(100_000)));
    std::fs::write(dir.path().join("t.txt"), "a a a\n").unwrap();
    let r = check(dir.path(), &["check", "t.txt"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("house.toml:6:"), "{}", r.stderr);
    assert!(r.stderr.contains("repeated `?`"), "{}", r.stderr);
}

// ---- 2. exponential matching ----

#[test]
fn forty_optional_words_verify_without_exponential_backtracking() {
    let dir = house_project(&format!("{} zz", ["w?"; 40].join(" ")));
    // 45 words that almost match, then a miss: every split used to be tried.
    std::fs::write(
        dir.path().join("t.txt"),
        format!("{} z. {} zz.\n", ["w"; 45].join(" "), ["w"; 3].join(" ")),
    )
    .unwrap();
    let r = check(dir.path(), &["check", "--format", "json", "t.txt"]);
    let f = findings(&r);
    assert_eq!(f.len(), 1, "{}", r.stdout);
    // Greedy optionals: the match takes the three words before `zz`.
    assert_eq!(f[0]["range"]["start"]["column"].as_u64(), Some(93));
}

#[test]
fn twelve_gaps_verify_without_exponential_backtracking() {
    let dir = house_project(&format!("start {} zz", ["{..8}"; 12].join(" ")));
    std::fs::write(
        dir.path().join("t.txt"),
        format!("start {} z.\n", ["w"; 120].join(" ")),
    )
    .unwrap();
    let r = check(dir.path(), &["check", "--format", "json", "t.txt"]);
    assert!(findings(&r).is_empty());
}

#[test]
fn fifteen_ambiguous_groups_verify_without_exponential_backtracking() {
    let dir = house_project(&format!("start {} zz", ["(a|a a|a a a)?"; 15].join(" ")));
    std::fs::write(
        dir.path().join("t.txt"),
        format!("start {} z. start a a a zz.\n", ["a"; 60].join(" ")),
    )
    .unwrap();
    let r = check(dir.path(), &["check", "--format", "json", "t.txt"]);
    assert_eq!(findings(&r).len(), 1, "{}", r.stdout);
}

// ---- 4. pack loading ----

#[test]
fn a_ten_thousand_word_pattern_loads_and_matches() {
    let words: Vec<String> = (0..10_000).map(|i| format!("w{i}")).collect();
    let dir = house_project(&words.join(" "));
    std::fs::write(
        dir.path().join("t.txt"),
        format!("{}.\n{}.\n", words.join(" "), words[..50].join(" ")),
    )
    .unwrap();
    let r = check(dir.path(), &["check", "--format", "json", "t.txt"]);
    assert_eq!(findings(&r).len(), 1, "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn a_fifo_pack_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("house.toml");
    let ok = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(ok.success(), "mkfifo");
    std::fs::write(
        dir.path().join("tactful.toml"),
        "packs = [\"house.toml\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("t.txt"), "Hello.\n").unwrap();
    let r = check(dir.path(), &["check", "t.txt"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn dev_zero_as_a_pack_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tactful.toml"), "packs = [\"/dev/zero\"]\n").unwrap();
    std::fs::write(dir.path().join("t.txt"), "Hello.\n").unwrap();
    let r = check(dir.path(), &["check", "t.txt"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
}

// ---- 5. long paragraphs, escapes, many findings ----

const PHRASE: &str =
    "unfortunately you simply need to restart the app and obviously we value your business, ";

fn repeated(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes / unit.len() + 1)
}

#[test]
fn one_megabyte_sentence_with_tens_of_thousands_of_findings_finishes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.md"), repeated(PHRASE, 1 << 20)).unwrap();
    let r = check(dir.path(), &["check", "--format", "json", "t.md"]);
    assert_eq!(r.code, Some(1));
    assert!(findings(&r).len() > 30_000);
}

#[test]
fn json_body_of_unicode_escapes_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let body = repeated("\\u0041\\u0020", 2_000_000) + " you simply need to restart it";
    std::fs::write(
        dir.path().join("t.json"),
        format!("{{\"body\": \"{body}\"}}"),
    )
    .unwrap();
    let r = check(dir.path(), &["check", "--format", "json", "t.json"]);
    assert!(
        findings(&r)
            .iter()
            .any(|f| f["rule"] == "minimizing.just-need-to"),
        "{}",
        r.stderr
    );
}

// ---- 6. runaway output ----

#[test]
fn human_output_shows_a_window_of_a_long_line_not_the_whole_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.txt"), repeated(PHRASE, 400_000)).unwrap();
    let r = check(dir.path(), &["check", "t.txt"]);
    let problems = r.stdout.matches("\n --> ").count();
    assert!(problems > 10_000, "{problems}");
    let longest = r.stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(
        longest < 300,
        "a source line of {longest} chars was printed"
    );
    assert!(r.stdout.contains("| …"), "cut lines are marked");
}

// ---- 9. terminal escapes ----

#[test]
fn terminal_control_characters_are_escaped_in_human_output_and_fix_diff() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.txt"),
        "Per my last email, \x1b]0;owned\x07 you simply need to restart it.\x1b[2J\r\n",
    )
    .unwrap();
    let r = check(dir.path(), &["check", "t.txt"]);
    assert!(!r.stdout.contains('\x1b') && !r.stdout.contains('\x07'));
    assert!(r.stdout.contains("\\u{1b}]0;owned\\u{7}"), "{}", r.stdout);
    let r = check(dir.path(), &["fix", "--diff", "t.txt"]);
    assert!(r.stdout.contains("@@"), "{}", r.stdout);
    assert!(!r.stdout.contains('\x1b') && !r.stdout.contains('\x07'));
    assert!(r.stdout.contains("\\u{1b}[2J"), "{}", r.stdout);
}

#[test]
fn a_fix_keeps_an_escape_byte_next_to_a_capture_and_output_shows_it_escaped() {
    let dir = house_project("just {w} it");
    let pack = std::fs::read_to_string(dir.path().join("house.toml")).unwrap();
    std::fs::write(
        dir.path().join("house.toml"),
        format!("{pack}fix = [\"{{w}} it\"]\n"),
    )
    .unwrap();
    let text = "Please just \x1b[31mred it now.\n";
    std::fs::write(dir.path().join("t.txt"), text).unwrap();
    let r = check(dir.path(), &["check", "t.txt"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(!r.stdout.contains('\x1b'), "{}", r.stdout);
    assert!(r.stdout.contains("just \\u{1b}[31mred it"), "{}", r.stdout);
    // The fix would drop the escape byte (and the `[`): not applied.
    let r = check(dir.path(), &["fix", "--diff", "t.txt"]);
    assert!(!r.stdout.contains('\x1b'), "{}", r.stdout);
    assert!(!r.stdout.contains("+Please 31mred"), "{}", r.stdout);
    let r = check(dir.path(), &["fix", "--write", "t.txt"]);
    assert_ne!(r.code, None);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("t.txt")).unwrap(),
        text
    );
}

#[test]
fn markdown_fix_write_is_idempotent_when_a_fix_leaves_its_finding_standing() {
    // The stress seed: the apology's next step lands after an open quote,
    // where it does not count, and each pass inserted it again.
    let dir = tempfile::tempdir().unwrap();
    for name in ["t.md", "t.txt"] {
        std::fs::write(
            dir.path().join(name),
            "no worries. I am sorry for \" any inconvenience\n",
        )
        .unwrap();
        check(dir.path(), &["fix", "--write", name]);
        let once = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(once.matches("I'm looking into this").count() <= 1, "{once}");
        let r = check(dir.path(), &["fix", "--diff", name]);
        assert_eq!(r.stdout.trim(), "", "a second run changes more");
    }
}

// ---- 8 / 10. writes ----

#[cfg(unix)]
#[test]
fn fix_write_through_a_symlink_fixes_the_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("real.txt"),
        "You simply need to restart it.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("real.txt", dir.path().join("link.txt")).unwrap();
    let r = check(dir.path(), &["fix", "--write", "link.txt"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(std::fs::symlink_metadata(dir.path().join("link.txt"))
        .unwrap()
        .file_type()
        .is_symlink());
    let fixed = std::fs::read_to_string(dir.path().join("real.txt")).unwrap();
    assert_eq!(fixed, "Please restart it.\n");
}

#[cfg(unix)]
#[test]
fn fix_write_keeps_hard_links_together() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "You simply need to restart it.\n").unwrap();
    std::fs::hard_link(dir.path().join("a.txt"), dir.path().join("b.txt")).unwrap();
    let r = check(dir.path(), &["fix", "--write", "a.txt"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let b = std::fs::read_to_string(dir.path().join("b.txt")).unwrap();
    assert_eq!(b, "Please restart it.\n");
    assert_eq!(
        std::fs::metadata(dir.path().join("a.txt")).unwrap().nlink(),
        2
    );
}

#[cfg(unix)]
#[test]
fn fix_write_refuses_a_symlink_out_of_the_tree_and_does_not_claim_it_applied_fixes() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("victim.txt");
    std::fs::write(&target, "You simply need to restart it.\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    std::os::unix::fs::symlink(&target, tree.join("link.txt")).unwrap();
    std::fs::write(tree.join("own.txt"), "Hello there.\n").unwrap();
    // Walked from the tree's parent: the link's target is outside.
    let r = check(dir.path(), &["fix", "--write", "tree/link.txt"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("outside the folders"), "{}", r.stderr);
    assert!(r.stderr.contains("applied 0 fixes"), "{}", r.stderr);
    assert!(
        r.stderr.contains("1 file with fixes was not written"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "You simply need to restart it.\n"
    );
}

#[cfg(unix)]
#[test]
fn init_refuses_a_dangling_symlink_and_a_link_out_of_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let ghost = outside.path().join("ghost.toml");
    std::os::unix::fs::symlink(&ghost, dir.path().join("tactful.toml")).unwrap();
    let r = check(dir.path(), &["init", "--force"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(!ghost.exists(), "the dangling link's target was created");
    std::fs::write(&ghost, "keep").unwrap();
    let r = check(dir.path(), &["init", "--force"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&ghost).unwrap(), "keep");
}

#[test]
fn errors_about_a_pack_outside_the_tree_never_echo_its_contents() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.toml");
    std::fs::write(&secret, "SECRET-TOKEN = hunter2 \"x\n").unwrap();
    let proj = dir.path().join("proj");
    std::fs::create_dir(&proj).unwrap();
    std::fs::write(proj.join("t.txt"), "Hello.\n").unwrap();
    // Named explicitly (absolute path): read, and its error says where only.
    let named = secret.display().to_string();
    std::fs::write(proj.join("tactful.toml"), format!("packs = [{named:?}]\n")).unwrap();
    let r = check(&proj, &["check", "t.txt"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("secret.toml:1:"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("hunter2") && !r.stderr.contains("SECRET"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_relative_pack_path_leading_out_of_the_tree_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.toml");
    std::fs::write(&secret, "SECRET-TOKEN = hunter2 \"x\n").unwrap();
    let proj = dir.path().join("proj");
    std::fs::create_dir(&proj).unwrap();
    std::fs::write(proj.join("t.txt"), "Hello.\n").unwrap();
    std::os::unix::fs::symlink(&secret, proj.join("link.toml")).unwrap();
    for named in ["../secret.toml", "link.toml"] {
        std::fs::write(proj.join("tactful.toml"), format!("packs = [{named:?}]\n")).unwrap();
        let r = check(&proj, &["check", "t.txt"]);
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(r.stderr.contains("tactful.toml:1:10:"), "{}", r.stderr);
        assert!(
            r.stderr.contains("outside this project's tree"),
            "{}",
            r.stderr
        );
        assert!(
            !r.stderr.contains("hunter2") && !r.stderr.contains("SECRET"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn turn_off_rule_refuses_a_config_path_outside_the_workspace() {
    let ws = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let mut c = lsp_client::Client::spawn();
    c.initialize_with_root(json!({}), ws.path());
    for path in [
        outside.path().join("tactful.toml"),
        ws.path().join("../").join(
            outside
                .path()
                .file_name()
                .map(|n| Path::new(n).join("tactful.toml"))
                .unwrap(),
        ),
    ] {
        let r = c.request_raw(
            "workspace/executeCommand",
            json!({"command": "tactful.turnOffRule", "arguments": [path.display().to_string(), "minimizing.just-need-to"]}),
        );
        assert!(r.get("error").is_some(), "{r}");
        assert!(!outside.path().join("tactful.toml").exists());
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            outside.path().join("tactful.toml"),
            ws.path().join("tactful.toml"),
        )
        .unwrap();
        let r = c.request_raw(
            "workspace/executeCommand",
            json!({"command": "tactful.turnOffRule", "arguments": [ws.path().join("tactful.toml").display().to_string(), "minimizing.just-need-to"]}),
        );
        assert!(r.get("error").is_some(), "{r}");
        assert!(!outside.path().join("tactful.toml").exists());
    }
    c.shutdown();
}

#[test]
fn a_quick_fix_that_would_bring_a_finding_of_another_rule_is_not_offered() {
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(
        ws.path().join("house.toml"),
        r#"
[[rule]]
id = "house.per-my-last-email"
category = "passive-aggressive"
message = "m"
why = "w"
match = ["per my last email"]
fix = [""]

[[rule]]
id = "house.passive-start"
category = "no-ownership"
message = "m"
why = "w"
match = ["^ the refund was processed"]
"#,
    )
    .unwrap();
    std::fs::write(
        ws.path().join("tactful.toml"),
        "builtin = false\npacks = [\"house.toml\"]\n",
    )
    .unwrap();
    let mut c = lsp_client::Client::spawn();
    c.initialize_with_root(lsp_client::full_caps(false), ws.path());
    // Removing the phrase would open the sentence with the passive start.
    for (name, text, offered) in [
        (
            "a.txt",
            "Per my last email, the refund was processed.\n",
            false,
        ),
        ("b.txt", "Per my last email, we sent the refund.\n", true),
    ] {
        let uri = lsp_client::file_uri(&ws.path().join(name));
        c.open(&uri, "plaintext", 1, text);
        let diags: Vec<Value> = c
            .diagnostics(&uri, 1)
            .into_iter()
            .filter(|d| d["code"] == "house.per-my-last-email")
            .collect();
        assert_eq!(diags.len(), 1, "{text}");
        let actions = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diags[0]["range"], "context": {"diagnostics": diags}}),
        );
        let titles: Vec<&str> = actions
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap())
            .collect();
        let fixes = titles
            .iter()
            .filter(|t| !t.starts_with("Disable ") && !t.starts_with("Turn off "))
            .count();
        assert_eq!(fixes > 0, offered, "{text}: {titles:?}");
        assert!(
            titles.iter().any(|t| t.starts_with("Turn off ")),
            "{titles:?}"
        );
    }
    c.shutdown();
}
