//! Fixes read naturally: after every preferred fix is applied to the flagged
//! items of the dev set and of the tuning half (even ids) of train-a/b, the
//! text re-lints clean for those rules, keeps its placeholders and stays tidy.

use std::path::Path;

use tactful::fix;
use tactful::lint::{FileSettings, Linter};
use tactful::model::Kind;
use tactful::source::Format;

/// The items of one eval set under `../shared/eval`, or `None` (with a skip
/// message) when the shared folder is absent.
fn eval_set(name: &str) -> Option<Vec<serde_json::Value>> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/eval")
        .join(name);
    match std::fs::read_to_string(&p) {
        Ok(t) => Some(
            t.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
        ),
        Err(_) => {
            if std::env::var("TACTFUL_CORPUS").as_deref() == Ok("required") {
                panic!("TACTFUL_CORPUS=required but {} is absent", p.display());
            }
            eprintln!("SKIP: {} is absent", p.display());
            None
        }
    }
}

/// Whether an eval id (`a-0412`) is in the tuning half: its number is even.
fn is_even_id(item: &serde_json::Value) -> bool {
    let digits: String = item["id"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse::<u64>().is_ok_and(|n| n % 2 == 0)
}

/// Tidiness problems a fix must never introduce.
fn untidy(before: &str, after: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for bad in ["  ", " ,", " .", ",,", "..", ",.", ". .", " !", " ?"] {
        if after.matches(bad).count() > before.matches(bad).count() {
            problems.push(format!("introduces {bad:?}"));
        }
    }
    // Sentence starts stay capitalised.
    let starts = |t: &str| {
        let mut n = 0;
        let chars: Vec<char> = t.chars().collect();
        for i in 2..chars.len() {
            if matches!(chars[i - 2], '.' | '!' | '?')
                && chars[i - 1] == ' '
                && chars[i].is_lowercase()
            {
                n += 1;
            }
        }
        n + usize::from(
            t.trim_start()
                .chars()
                .next()
                .is_some_and(char::is_lowercase),
        )
    };
    if starts(after) > starts(before) {
        problems.push("leaves a sentence starting in lower case".into());
    }
    // Articles agree with the next word.
    let words: Vec<&str> = after.split_whitespace().collect();
    let before_words: Vec<&str> = before.split_whitespace().collect();
    let disagree = |ws: &[&str]| {
        ws.windows(2)
            .filter(|w| {
                let next = w[1]
                    .trim_start_matches(|c: char| !c.is_alphabetic())
                    .to_lowercase();
                let vowel = next.starts_with(['a', 'e', 'i', 'o'])
                    && !next.starts_with("one")
                    && !next.starts_with("eu");
                (w[0].eq_ignore_ascii_case("a") && vowel)
                    || (w[0].eq_ignore_ascii_case("an")
                        && !vowel
                        && !next.starts_with(['u', 'h'])
                        && !next.is_empty())
            })
            .count()
    };
    if disagree(&words) > disagree(&before_words) {
        problems.push("articles disagree".into());
    }
    problems
}

#[test]
fn preferred_fixes_relint_clean_and_stay_tidy_on_the_dev_set() {
    let Some(items) = eval_set("dev.jsonl") else {
        return;
    };
    check_preferred_fixes(&items, 20);
}

#[test]
fn preferred_fixes_relint_clean_and_stay_tidy_on_the_tuning_half() {
    let (Some(a), Some(b)) = (eval_set("train-a.jsonl"), eval_set("train-b.jsonl")) else {
        return;
    };
    let even: Vec<_> = a.into_iter().chain(b).filter(is_even_id).collect();
    check_preferred_fixes(&even, 150);
}

/// Applies every preferred fix to each item (as `tactful fix` does) and
/// collects what went wrong; at least `min_fixed` items must have had a fix.
fn check_preferred_fixes(items: &[serde_json::Value], min_fixed: usize) {
    let linter = Linter::default_packs();
    let mut failures = Vec::new();
    let mut fixed_items = 0;
    for it in items {
        let text = it["text"].as_str().unwrap();
        let format = match it["format"].as_str().unwrap_or("txt") {
            "md" => Format::Markdown,
            "html" => Format::Html,
            _ => Format::Text,
        };
        let kind = Kind::from_id(it["kind"].as_str().unwrap_or("reply")).unwrap_or_default();
        let settings = FileSettings {
            format,
            kind,
            ..Default::default()
        };
        let before = linter.lint(text, &settings).unwrap();
        let fixed_rules: Vec<_> = before
            .findings
            .iter()
            .filter(|f| f.preferred_fix().is_some())
            .map(|f| f.rule.clone())
            .collect();
        if fixed_rules.is_empty() {
            continue;
        }
        fixed_items += 1;
        let (after, _) = fix::fix_all(&linter, text, &settings, 4).unwrap();
        let again = linter.lint(&after, &settings).unwrap();
        // Placeholders survive byte for byte.
        for ph in text
            .match_indices("{{")
            .map(|(i, _)| &text[i..i + text[i..].find("}}").map_or(2, |e| e + 2)])
        {
            if !after.contains(ph) {
                failures.push(format!("{}: placeholder {ph} lost", it["id"]));
            }
        }
        // Fixes `tactful fix` leaves out because they would bring a finding
        // of a rule the text did not have (e.g. a policy shield rewritten as
        // "I'm not able to", a negative framing): their rule stays.
        let refused: Vec<_> = before
            .findings
            .iter()
            .filter(|f| {
                let Some(p) = f.preferred_fix() else {
                    return false;
                };
                let (one, _) = fix::apply_edits(text, &p.edits);
                linter
                    .lint(&one, &settings)
                    .unwrap()
                    .findings
                    .iter()
                    .any(|a| {
                        a.preferred_fix().is_none()
                            && !before.findings.iter().any(|b| b.rule == a.rule)
                    })
            })
            .map(|f| f.rule.clone())
            .collect();
        for f in &again.findings {
            // A rule fixed once must not fire again on the fixed text (engine
            // insertions may not satisfy every density rule, so only rules that were fixed count).
            if fixed_rules.contains(&f.rule)
                && !refused.contains(&f.rule)
                && f.preferred_fix().is_some()
            {
                failures.push(format!(
                    "{}: {} fires again after its fix: {:?}",
                    it["id"], f.rule, after
                ));
            }
        }
        for p in untidy(text, &after) {
            failures.push(format!("{}: {p}: {:?} -> {:?}", it["id"], text, after));
        }
    }
    assert!(
        fixed_items > min_fixed,
        "only {fixed_items} items had a preferred fix"
    );
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
