//! Rule examples as tests: every bad example is flagged by its rule, its
//! preferred fix gives the expected text, which re-lints clean for that rule;
//! every good example is not flagged. Used by `cargo test` for the default
//! packs and by `tactful rules test` for house packs.

use std::sync::Arc;

use crate::engine::{Engine, Overrides};
use crate::fix;
use crate::lint::{FileSettings, Linter};
use crate::rules::Rule;
use crate::source::Format;

/// Checks every example of `rules` (compiled together); one line per failure.
pub fn check_examples(rules: &[Rule]) -> Vec<String> {
    let engine = match Engine::new(rules.to_vec(), &Overrides::default()) {
        Ok(e) => Arc::new(e),
        Err(e) => return vec![format!("packs do not compile: {e}")],
    };
    let linter = Linter::new(engine);
    let mut failures = Vec::new();
    for rule in rules {
        let Some(&kind) = rule.kinds.first() else {
            continue;
        };
        let settings = FileSettings {
            format: Format::Text,
            kind,
            keep_covered: true,
            ..Default::default()
        };
        let of_rule = |text: &str| {
            linter
                .lint(text, &settings)
                .map(|r| {
                    r.findings
                        .into_iter()
                        .filter(|f| f.rule == rule.id)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        for bad in &rule.bad {
            let found = of_rule(&bad.text);
            if found.is_empty() {
                failures.push(format!(
                    "{}: bad example not flagged: {:?}",
                    rule.id, bad.text
                ));
                continue;
            }
            if let Some(expected) = &bad.fixed {
                // The first alternative of each finding (the preferred one, or
                // the first of a rule whose fixes change meaning).
                let edits: Vec<_> = found
                    .iter()
                    .filter_map(|f| f.fixes.first())
                    .flat_map(|f| f.edits.clone())
                    .collect();
                let (fixed, _) = fix::apply_edits(&bad.text, &edits);
                if &fixed != expected {
                    failures.push(format!(
                        "{}: fix of {:?}\n    gave     {:?}\n    expected {:?}",
                        rule.id, bad.text, fixed, expected
                    ));
                } else if !of_rule(&fixed).is_empty() {
                    failures.push(format!(
                        "{}: fixed text is flagged again: {:?}",
                        rule.id, fixed
                    ));
                }
            }
        }
        for good in &rule.good {
            if !of_rule(good).is_empty() {
                failures.push(format!("{}: good example flagged: {:?}", rule.id, good));
            }
        }
    }
    failures
}
