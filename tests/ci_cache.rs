//! `check --cache`: a warm run gives exactly the cold run's results, and the
//! cache is invalidated exactly where it should be: an edited file, an edited
//! rule pack, an edited config. A corrupt cache is ignored.

mod ci_support;
use ci_support::*;

const PACK: &str = r#"
[[rule]]
id = "house.synergy"
category = "jargon"
severity = "warning"
message = "Say what you mean instead of “synergy”."
why = "House style."
match = ["synergy"]
examples.bad = [["We value synergy."]]
examples.good = ["We work together."]
"#;

fn project() -> Project {
    let p = Project::new("cache");
    p.write("tactful.toml", "packs = [\"house.toml\"]\n");
    p.write("house.toml", PACK);
    p.write("kb/a.txt", TWO_FINDINGS);
    p.write("kb/b.txt", CLEAN);
    p.write("kb/c.txt", "Hi,\n\nWe value synergy. Just restart it.\n");
    p
}

fn check(p: &Project, extra: &[&str]) -> (Run, Vec<(String, String)>) {
    let mut args = vec!["check", "--format", "json", "--cache"];
    args.extend_from_slice(extra);
    args.push("kb");
    let r = p.tactful(&args);
    let rules = r.rules();
    (r, rules)
}

fn reused(r: &Run) -> usize {
    let line = r
        .stderr
        .lines()
        .find(|l| l.starts_with("tactful: cache: "))
        .unwrap_or_else(|| panic!("no cache line: {}", r.log()));
    line["tactful: cache: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn without_cache(p: &Project) -> Vec<(String, String)> {
    p.tactful(&["check", "--format", "json", "kb"]).rules()
}

#[test]
fn a_warm_run_reuses_every_file_and_prints_the_same_results() {
    let p = project();
    let (cold, cold_rules) = check(&p, &[]);
    assert_eq!(reused(&cold), 0, "{}", cold.log());
    assert!(p.path().join(".tactful-cache/check-v1.json").is_file());
    let (warm, _) = check(&p, &[]);
    assert_eq!(reused(&warm), 3, "{}", warm.log());
    assert_eq!(warm.stdout, cold.stdout, "byte-identical output");
    assert_eq!(warm.code, cold.code);
    assert_eq!(cold_rules, without_cache(&p));
    // `--cache DIR` with a space is not a cache folder: the path after it is linted.
    assert!(!p.path().join("kb/check-v1.json").exists());
    // Other formats come from the cached results too.
    let sarif_cold = p.tactful(&["check", "--format", "sarif", "kb"]).stdout;
    let sarif_warm = p
        .tactful(&["check", "--format", "sarif", "--cache", "kb"])
        .stdout;
    assert_eq!(sarif_cold, sarif_warm);
}

#[test]
fn editing_a_file_relints_that_file_only() {
    let p = project();
    check(&p, &[]);
    p.write("kb/b.txt", "Hi,\n\nObviously this works.\n");
    let (r, rules) = check(&p, &[]);
    assert_eq!(reused(&r), 2, "{}", r.log());
    assert!(
        rules
            .iter()
            .any(|(f, rule)| f == "kb/b.txt" && rule.starts_with("minimizing.obviously")),
        "{rules:?}"
    );
    assert_eq!(rules, without_cache(&p));
}

#[test]
fn editing_a_rule_pack_invalidates_every_file() {
    let p = project();
    let (_, before) = check(&p, &[]);
    assert!(
        before.iter().any(|(_, r)| r == "house.synergy"),
        "{before:?}"
    );
    p.write(
        "house.toml",
        &PACK
            .replace("match = [\"synergy\"]", "match = [\"expiry date\"]")
            .replace("We value synergy.", "Check the expiry date."),
    );
    let (r, after) = check(&p, &[]);
    assert_eq!(reused(&r), 0, "{}", r.log());
    assert!(
        !after
            .iter()
            .any(|(f, r)| f == "kb/c.txt" && r == "house.synergy"),
        "{after:?}"
    );
    assert!(
        after
            .iter()
            .any(|(f, r)| f == "kb/a.txt" && r == "house.synergy"),
        "the new pattern matches: {after:?}"
    );
    assert_eq!(after, without_cache(&p));
}

#[test]
fn editing_the_config_invalidates_every_file() {
    let p = project();
    let (_, before) = check(&p, &[]);
    assert!(
        before.iter().any(|(_, r)| r.starts_with("minimizing")),
        "{before:?}"
    );
    p.write(
        "tactful.toml",
        "packs = [\"house.toml\"]\n[severity]\nminimizing = \"off\"\n",
    );
    let (r, after) = check(&p, &[]);
    assert_eq!(reused(&r), 0, "{}", r.log());
    assert!(
        !after.iter().any(|(_, r)| r.starts_with("minimizing")),
        "{after:?}"
    );
    assert_eq!(after, without_cache(&p));
    // A kind glob changes the settings of one file only.
    p.write("tactful.toml", "packs = [\"house.toml\"]\n[severity]\nminimizing = \"off\"\n[kinds]\nkb = [\"kb/a.txt\"]\n");
    let (r, after) = check(&p, &[]);
    assert_eq!(reused(&r), 0, "the config text changed: {}", r.log());
    assert_eq!(after, without_cache(&p));
}

#[test]
fn a_corrupt_cache_is_ignored_and_a_given_folder_is_used() {
    let p = project();
    let cold = p.tactful(&["check", "--format", "json", "--cache=my-cache", "kb"]);
    assert!(
        p.path().join("my-cache/check-v1.json").is_file(),
        "{}",
        cold.log()
    );
    assert!(!p.path().join(".tactful-cache").exists());
    std::fs::write(p.path().join("my-cache/check-v1.json"), "{ not json").unwrap();
    let r = p.tactful(&["check", "--format", "json", "--cache=my-cache", "kb"]);
    assert_eq!(reused(&r), 0, "{}", r.log());
    assert_eq!(r.stdout, cold.stdout);
    let warm = p.tactful(&["check", "--format", "json", "--cache=my-cache", "kb"]);
    assert_eq!(reused(&warm), 3, "{}", warm.log());
}
