//! Detection quality on our own labeled set (tests/fixtures/holdout.jsonl,
//! written independently of the rules): category precision and recall stay above the bar.

use std::collections::{BTreeMap, BTreeSet};

use tactful::lint::{FileSettings, Linter};
use tactful::model::Kind;
use tactful::source::Format;

#[test]
fn category_precision_and_recall_hold_on_the_holdout_set() {
    let text = include_str!("fixtures/holdout.jsonl");
    let linter = Linter::default_packs();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut per: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let it: serde_json::Value = serde_json::from_str(line).unwrap();
        let format = match it["format"].as_str() {
            Some("md") => Format::Markdown,
            Some("html") => Format::Html,
            _ => Format::Text,
        };
        let kind = Kind::from_id(it["kind"].as_str().unwrap_or("reply")).unwrap();
        let settings = FileSettings {
            format,
            kind,
            ..Default::default()
        };
        let found = linter
            .lint(it["text"].as_str().unwrap(), &settings)
            .unwrap();
        let pred: BTreeSet<String> = found
            .findings
            .iter()
            .map(|f| f.category.id().to_string())
            .collect();
        let set = |k: &str| -> BTreeSet<String> {
            it[k]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        let gold = set("labels");
        let ok: BTreeSet<String> = gold.union(&set("also_ok")).cloned().collect();
        for c in gold.intersection(&pred) {
            tp += 1;
            per.entry(c.clone()).or_default().0 += 1;
        }
        for c in pred.difference(&ok) {
            fp += 1;
            per.entry(c.clone()).or_default().1 += 1;
            misses.push(format!("{} extra {c}", it["id"]));
        }
        for c in gold.difference(&pred) {
            fn_ += 1;
            per.entry(c.clone()).or_default().2 += 1;
            misses.push(format!("{} missed {c}", it["id"]));
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    eprintln!(
        "holdout: precision {precision:.3} recall {recall:.3}; per category (tp, fp, fn): {per:?}"
    );
    assert!(
        precision >= 0.95 && recall >= 0.90,
        "precision {precision:.3}, recall {recall:.3}:\n{}",
        misses.join("\n")
    );
}
