//! `tactful rules list | explain ID | docs | test`: the rule catalogue, from the same
//! data the engine runs (the config in the current folder applies).

use crate::config::ConfigCache;
use crate::model::Category;
use crate::rules::docs;

fn linter_rules() -> Result<std::sync::Arc<crate::config::Resolved>, i32> {
    ConfigCache::new()
        .for_file(std::path::Path::new("./."))
        .map_err(|e| {
            eprintln!("tactful: config error: {e}");
            2
        })
}

/// Writes to stdout; a closed pipe (`tactful rules list | head`) is not an error.
fn out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// The rule catalogue as `rules list --json` prints it (the HTTP service's
/// `GET /api/v1/rules` answers the same objects).
pub fn rules_json(rules: &[crate::rules::Rule]) -> Vec<serde_json::Value> {
    rules
        .iter()
        .map(|r| serde_json::json!({"id": r.id.as_ref(), "category": r.category.id(), "severity": r.severity.id(),
            "kinds": r.kinds.iter().map(|k| k.id()).collect::<Vec<_>>(), "message": r.message.as_ref(), "pack": r.pack.as_ref()}))
        .collect()
}

pub fn list(json: bool) -> i32 {
    let cfg = match linter_rules() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let rules = cfg.linter.engine().rules();
    if json {
        let v = rules_json(rules);
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        ));
        return 0;
    }
    for c in Category::ALL {
        let in_cat: Vec<_> = rules.iter().filter(|r| r.category == c).collect();
        out(&format!("{c} ({})\n", in_cat.len()));
        for r in in_cat {
            out(&format!(
                "  {:<52} {:<8} {}\n",
                r.id,
                r.severity.id(),
                r.message
            ));
        }
    }
    0
}

pub fn explain(id: &str) -> i32 {
    let cfg = match linter_rules() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let engine = cfg.linter.engine();
    if let Some(rule) = engine.rule(id) {
        out(&docs::explain(rule));
        return 0;
    }
    if let Some(cat) = Category::from_id(id) {
        out(&format!("{cat}: rules in this category\n\n"));
        for r in engine.rules().iter().filter(|r| r.category == cat) {
            out(&format!("  {:<52} {}\n", r.id, r.message));
        }
        return 0;
    }
    let close: Vec<&str> = engine
        .rules()
        .iter()
        .map(|r| r.id.as_ref())
        .filter(|r| r.contains(id) || id.contains(*r))
        .take(5)
        .collect();
    eprintln!(
        "tactful: no rule or category {id:?}{}",
        if close.is_empty() {
            String::new()
        } else {
            format!("; did you mean {}?", close.join(", "))
        }
    );
    2
}

pub fn docs() -> i32 {
    match crate::rules::default_rules() {
        Ok(rules) => {
            out(&docs::markdown(&rules));
            0
        }
        Err(e) => {
            eprintln!("tactful: {e}");
            2
        }
    }
}

/// `tactful rules test`: every example of every rule in effect.
pub fn test() -> i32 {
    let cfg = match linter_rules() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let rules = cfg.linter.engine().rules();
    let failures = crate::rules::selftest::check_examples(rules);
    let examples: usize = rules.iter().map(|r| r.bad.len() + r.good.len()).sum();
    for f in &failures {
        out(&format!("FAIL {f}\n"));
    }
    out(&format!(
        "{} rules, {examples} examples: {} passed, {} failed\n",
        rules.len(),
        examples.saturating_sub(failures.len()),
        failures.len()
    ));
    i32::from(!failures.is_empty())
}
