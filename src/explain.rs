//! Explanations written for a reader: the hover text of a finding (message,
//! why, a bad → good example, how to turn it off) and the one-line tone
//! summary. Markdown strings, protocol-free; the server and CLI both use them.

use std::sync::Arc;

use crate::engine::Engine;
use crate::model::Finding;
use crate::rules::docs;
use crate::score::Summary;

/// What the rule packs say about a rule, when they say it.
#[derive(Debug, Clone, Default)]
pub struct RuleDoc {
    pub why: Option<String>,
    pub bad: Option<String>,
    pub good: Option<String>,
    pub docs_url: Option<String>,
}

/// The documentation of a rule id from the engine's rule metadata. Rules of
/// the embedded packs link to their section of the rule reference under
/// `docs_base` (a URL of docs/rules.md); house packs have no link.
pub fn rule_doc(engine: &Engine, rule: &str, docs_base: Option<&str>) -> RuleDoc {
    let Some(r) = engine.rule(rule) else {
        return RuleDoc::default();
    };
    let example = r.bad.first();
    RuleDoc {
        why: Some(r.why.clone()).filter(|w| !w.is_empty()),
        bad: example.map(|b| b.text.clone()),
        good: example
            .and_then(|b| b.fixed.clone())
            .or_else(|| r.good.first().cloned()),
        docs_url: docs_url(engine, rule, docs_base),
    }
}

/// The link to a rule's section of the rule reference, for rules of the
/// embedded packs.
pub fn docs_url(engine: &Engine, rule: &str, docs_base: Option<&str>) -> Option<String> {
    let base = docs_base?;
    let r = engine.rule(rule)?;
    r.pack
        .starts_with("rules/")
        .then(|| format!("{base}#{}", docs::anchor(rule)))
}

/// Where a diagnostic of `rule` links: its section of the web reference for
/// built-in rules when `docs_base` is given, else the rule page shipped with
/// the server (see `rule_pages`), for every rule.
pub fn rule_link(engine: &Arc<Engine>, rule: &str, docs_base: Option<&str>) -> Option<String> {
    docs_url(engine, rule, docs_base).or_else(|| {
        let path = crate::rule_pages::page(engine, rule)?;
        Some(file_url(&path))
    })
}

/// A `file://` URL of an absolute path, percent-encoding what a URL cannot hold.
pub fn file_url(path: &std::path::Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where the rule reference lives by default: docs/rules.md in the
/// repository named in Cargo.toml, when it names one.
pub fn default_docs_base() -> Option<String> {
    let repo = option_env!("CARGO_PKG_REPOSITORY").unwrap_or("");
    (!repo.is_empty()).then(|| format!("{}/blob/main/docs/rules.md", repo.trim_end_matches('/')))
}

/// Markdown explaining one finding.
pub fn finding_markdown(f: &Finding, doc: &RuleDoc) -> String {
    let mut out = format!("**{}** · `{}`\n\n", f.message, f.rule);
    if let Some(why) = &doc.why {
        out.push_str(&format!("*Why:* {why}\n\n"));
    }
    match (&doc.bad, &doc.good) {
        (Some(bad), Some(good)) => out.push_str(&format!("*Instead of* “{bad}” → “{good}”\n\n")),
        (Some(bad), None) => out.push_str(&format!("*Flagged:* “{bad}”\n\n")),
        _ => {}
    }
    if let Some(fix) = f.preferred_fix().or(f.fixes.first()) {
        out.push_str(&format!("*Suggested:* {}\n\n", fix.title));
    }
    out.push_str(&format!(
        "*Turn it off:* `tactful-disable-next-line {rule}` in a comment above the line, \
         or `\"{rule}\" = \"off\"` under `[severity]` in `tactful.toml` \
         (the whole category: `{cat} = \"off\"`).",
        rule = f.rule,
        cat = f.category.id()
    ));
    if let Some(url) = &doc.docs_url {
        out.push_str(&format!(" [Docs]({url})"));
    }
    out
}

/// One line: the score and the counts by category, most frequent first.
pub fn summary_line(summary: &Summary) -> String {
    let total: usize = summary.counts.values().sum();
    if total == 0 {
        return format!("Tone {}/100 · no issues", summary.score);
    }
    let mut counts: Vec<_> = summary.counts.iter().collect();
    counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let parts: Vec<String> = counts
        .iter()
        .map(|(c, n)| format!("{n} {}", c.id()))
        .collect();
    format!("Tone {}/100 · {}", summary.score, parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Severity};

    #[test]
    fn summary_lists_categories_by_count() {
        let mut s = Summary {
            score: 81,
            ..Summary::default()
        };
        s.counts.insert(Category::Minimizing, 1);
        s.counts.insert(Category::BlameCustomer, 2);
        assert_eq!(
            summary_line(&s),
            "Tone 81/100 · 2 blame-customer, 1 minimizing"
        );
        s.counts.clear();
        s.score = 100;
        assert_eq!(summary_line(&s), "Tone 100/100 · no issues");
    }

    #[test]
    fn hover_says_why_and_how_to_turn_off() {
        let f = Finding {
            rule: "minimizing.just".into(),
            category: Category::Minimizing,
            severity: Severity::Warning,
            range: 0..4,
            message: "Makes the problem sound trivial.".into(),
            fixes: vec![],
        };
        let doc = RuleDoc {
            why: Some("It implies the customer should have managed.".into()),
            bad: Some("Just restart.".into()),
            good: Some("Restart the app.".into()),
            docs_url: None,
        };
        let md = finding_markdown(&f, &doc);
        assert!(md.contains("*Why:* It implies"));
        assert!(md.contains("“Just restart.” → “Restart the app.”"));
        assert!(md.contains("tactful-disable-next-line minimizing.just"));
    }
}
