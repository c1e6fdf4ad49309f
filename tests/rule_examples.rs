//! Every example of every rule pack is a test: bad examples are flagged by
//! their rule and fix to the expected text, which re-lints clean; good ones are not flagged.

use std::path::Path;

use tactful::rules::{self, Rule};

fn check_rules(rules: Vec<Rule>) -> Vec<String> {
    rules::selftest::check_examples(&rules)
}

#[test]
fn default_packs_load_and_cover_every_category() {
    let rules = rules::default_rules().unwrap_or_else(|e| panic!("{e}"));
    if rules.is_empty() {
        eprintln!("note: rules/ holds no packs yet");
        return;
    }
    let missing: Vec<_> = tactful::model::Category::ALL
        .iter()
        .filter(|c| !rules.iter().any(|r| r.category == **c))
        .collect();
    assert!(missing.is_empty(), "categories without a rule: {missing:?}");
}

#[test]
fn every_default_rule_example_holds() {
    let rules = rules::default_rules().unwrap_or_else(|e| panic!("{e}"));
    let failures = check_rules(rules);
    assert!(
        failures.is_empty(),
        "{} example failures:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

#[test]
fn every_fixture_pack_example_holds() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/packs/sample.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let rules = rules::parse_pack("sample.toml", &text).unwrap_or_else(|e| panic!("{e}"));
    let failures = check_rules(rules);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_default_rule_has_docs_fields_and_examples() {
    let rules = rules::default_rules().unwrap_or_else(|e| panic!("{e}"));
    for r in &rules {
        assert!(
            !r.message.is_empty() && !r.why.is_empty(),
            "{} needs message and why",
            r.id
        );
        assert!(
            r.id.starts_with(&format!("{}.", r.category)),
            "{} id must start with its category",
            r.id
        );
        assert!(!r.bad.is_empty(), "{} needs at least one bad example", r.id);
    }
}

#[test]
fn rule_docs_are_generated_from_the_packs() {
    let rules = rules::default_rules().unwrap_or_else(|e| panic!("{e}"));
    let want = rules::docs::markdown(&rules);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if std::env::var_os("TACTFUL_BLESS_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    assert!(have == want, "docs/rules.md is stale: run `cargo run -- rules docs > docs/rules.md` (or TACTFUL_BLESS_DOCS=1 cargo test --test rule_examples)");
}
